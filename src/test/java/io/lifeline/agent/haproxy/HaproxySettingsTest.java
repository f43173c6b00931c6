package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxySettingsTest {

    @Test
    void defaultsDeriveTheRunDirectoryFromTheConfigPath() throws AgentConfigException {
        HaproxySettings s = HaproxySettings.parse(List.of("/etc/haproxy/haproxy.cfg"));
        assertEquals(Path.of("/etc/haproxy/haproxy.cfg"), s.config());
        assertEquals(Path.of("/run/lifeline/haproxy/etc_haproxy_haproxy.cfg"), s.runDir());
        assertEquals(Path.of("/run/lifeline/haproxy/etc_haproxy_haproxy.cfg/haproxy.pid"), s.pidFile());
        assertEquals(Path.of("/run/lifeline/haproxy/etc_haproxy_haproxy.cfg/master.sock"), s.masterSocket());
        assertTrue(s.autoReload());
        assertTrue(s.binary().toString().endsWith("/haproxy"));
    }

    @Test
    void longConfigPathsGetAShortHashedId() throws AgentConfigException {
        Path a = Path.of("/srv/" + "very-long-directory-name/".repeat(5) + "haproxy.cfg");
        Path b = Path.of("/opt/" + "very-long-directory-name/".repeat(5) + "haproxy.cfg");
        String idA = HaproxySettings.idFor(a);
        assertTrue(idA.length() <= 40, idA);
        assertFalse(idA.equals(HaproxySettings.idFor(b)), "different files, different run directories");
        assertTrue(HaproxySettings.parse(List.of(a.toString())).masterSocket().toString().length() < 108);
    }

    @Test
    void optionsAreNameValue() throws AgentConfigException {
        HaproxySettings s = HaproxySettings.parse(List.of("/e/h.cfg", "binary=/opt/haproxy/sbin/haproxy",
                "rundir=/run/hp", "autoreload=no"));
        assertEquals(Path.of("/opt/haproxy/sbin/haproxy"), s.binary());
        assertEquals(Path.of("/run/hp/haproxy.pid"), s.pidFile());
        assertFalse(s.autoReload());
    }

    @Test
    void badArgumentsSayWhatIsExpected() {
        assertMessage("configuration file as its first argument", List.of());
        assertMessage("absolute path", List.of("haproxy.cfg"));
        assertMessage("must be the configuration file", List.of("binary=/x"));
        assertMessage("unknown argument 'pidfile'", List.of("/e/h.cfg", "pidfile=/x"));
        assertMessage("must be name=value", List.of("/e/h.cfg", "fast"));
        assertMessage("autoreload must be yes or no", List.of("/e/h.cfg", "autoreload=maybe"));
        assertMessage("rundir must be an absolute path", List.of("/e/h.cfg", "rundir=run"));
        assertMessage("too long for a Unix socket", List.of("/e/h.cfg", "rundir=/" + "x".repeat(120)));
    }

    private static void assertMessage(String expected, List<String> args) {
        AgentConfigException e = assertThrows(AgentConfigException.class, () -> HaproxySettings.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
