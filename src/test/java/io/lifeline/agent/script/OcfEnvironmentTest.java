package io.lifeline.agent.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lifeline.process.ScriptEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OcfEnvironmentTest {

    private static Map<String, String> build(String action, Duration interval) throws Exception {
        OcfParameters p = OcfParameters.parse(List.of("ip=198.51.100.10", "nic=eth0", "OCF_CHECK_LEVEL=10"));
        return OcfEnvironment.build(Path.of("/opt/ocf"), "heartbeat", "IPaddr2", "vip", p, action,
                Duration.ofSeconds(20), interval, p.checkLevel().orElse(0));
    }

    @Test
    void monitorGetsEveryOcfVariable() throws Exception {
        Map<String, String> env = build("monitor", Duration.ofSeconds(10));
        assertEquals("/opt/ocf", env.get("OCF_ROOT"));
        assertEquals("1", env.get("OCF_RA_VERSION_MAJOR"));
        assertEquals("1", env.get("OCF_RA_VERSION_MINOR"));
        assertEquals("vip", env.get("OCF_RESOURCE_INSTANCE"));
        assertEquals("IPaddr2", env.get("OCF_RESOURCE_TYPE"));
        assertEquals("heartbeat", env.get("OCF_RESOURCE_PROVIDER"));
        assertEquals("198.51.100.10", env.get("OCF_RESKEY_ip"));
        assertEquals("eth0", env.get("OCF_RESKEY_nic"));
        assertEquals("20000", env.get("OCF_RESKEY_CRM_meta_timeout"));
        assertEquals("10000", env.get("OCF_RESKEY_CRM_meta_interval"));
        assertEquals("10", env.get("OCF_CHECK_LEVEL"));
        assertEquals("ocf-exit-reason:", env.get("OCF_EXIT_REASON_PREFIX"));
        assertEquals(ScriptEnvironment.PATH, env.get("PATH"));
        assertEquals("C", env.get("LC_ALL"));
    }

    @Test
    void probeHasIntervalZeroAndStartHasNoCheckLevel() throws Exception {
        assertEquals("0", build("monitor", Duration.ZERO).get("OCF_RESKEY_CRM_meta_interval"));
        Map<String, String> start = build("start", Duration.ZERO);
        assertEquals("0", start.get("OCF_RESKEY_CRM_meta_interval"));
        assertFalse(start.containsKey("OCF_CHECK_LEVEL"));
        assertFalse(start.containsKey("OCF_RESKEY_OCF_CHECK_LEVEL"));
    }
}
