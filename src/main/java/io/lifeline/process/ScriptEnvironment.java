package io.lifeline.process;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clean environment every script starts from. Nothing of the daemon's own environment is
 * passed on (it may hold anything, and scripts must behave the same whether the daemon was
 * started by systemd, an init script or an admin's shell), except the time zone so that
 * scripts' log timestamps match the system's. The C locale keeps the output that Lifeline
 * parses (Heartbeat status words, systemctl states) in English.
 */
public final class ScriptEnvironment {

    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ScriptEnvironment() {
    }

    /** A new, modifiable map with PATH, HOME, LANG, LC_ALL and (if set) TZ. */
    public static Map<String, String> base() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("HOME", System.getProperty("user.home", "/"));
        env.put("LANG", "C");
        env.put("LC_ALL", "C");
        String tz = System.getenv("TZ");
        if (tz != null) {
            env.put("TZ", tz);
        }
        return env;
    }
}
