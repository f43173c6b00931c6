package io.lifeline.agent.script;

import io.lifeline.process.ScriptEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Builds the environment of one OCF action (OCF 1.1, "Environment Variables", and the
 * variables Pacemaker adds that agents rely on):
 *
 * <ul>
 *   <li>{@code OCF_ROOT}, {@code OCF_RA_VERSION_MAJOR}/{@code _MINOR} (1.1);</li>
 *   <li>{@code OCF_RESOURCE_INSTANCE}, {@code OCF_RESOURCE_TYPE}, {@code OCF_RESOURCE_PROVIDER};</li>
 *   <li>{@code OCF_RESKEY_<name>} for every parameter;</li>
 *   <li>{@code OCF_RESKEY_CRM_meta_timeout}: this action's timeout in milliseconds;</li>
 *   <li>{@code OCF_RESKEY_CRM_meta_interval}: the monitor interval in milliseconds, 0 for a
 *       probe and for every other action (agents detect probes this way);</li>
 *   <li>{@code OCF_CHECK_LEVEL} for monitor and validate-all;</li>
 *   <li>{@code OCF_EXIT_REASON_PREFIX}, so {@code ocf_exit_reason} lines can be found in stderr.</li>
 * </ul>
 */
public final class OcfEnvironment {

    public static final String RA_VERSION_MAJOR = "1";
    public static final String RA_VERSION_MINOR = "1";

    private OcfEnvironment() {
    }

    /**
     * @param interval the monitor interval, {@link Duration#ZERO} for probes and non-monitor actions
     */
    public static Map<String, String> build(Path ocfRoot, String provider, String type, String instanceId,
                                            OcfParameters parameters, String action, Duration timeout,
                                            Duration interval, int checkLevel) {
        Map<String, String> env = ScriptEnvironment.base();
        env.put("OCF_ROOT", ocfRoot.toString());
        env.put("OCF_RA_VERSION_MAJOR", RA_VERSION_MAJOR);
        env.put("OCF_RA_VERSION_MINOR", RA_VERSION_MINOR);
        env.put("OCF_RESOURCE_INSTANCE", instanceId);
        env.put("OCF_RESOURCE_TYPE", type);
        env.put("OCF_RESOURCE_PROVIDER", provider);
        parameters.values().forEach((name, value) -> env.put("OCF_RESKEY_" + name, value));
        env.put("OCF_RESKEY_CRM_meta_timeout", Long.toString(timeout.toMillis()));
        env.put("OCF_RESKEY_CRM_meta_interval", Long.toString(interval.toMillis()));
        if (action.equals("monitor") || action.equals("validate-all")) {
            env.put("OCF_CHECK_LEVEL", Integer.toString(checkLevel));
        }
        env.put("OCF_EXIT_REASON_PREFIX", OcfExitReason.PREFIX);
        return env;
    }
}
