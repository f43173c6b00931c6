package io.lifeline.agent.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentConfigException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OcfParametersTest {

    @Test
    void parsesNameValuePairsInOrderValueMayContainEquals() throws Exception {
        OcfParameters p = OcfParameters.parse(List.of("ip=198.51.100.10", "cidr_netmask=24", "options=-g a=b"));
        assertEquals(List.of("ip", "cidr_netmask", "options"), List.copyOf(p.values().keySet()));
        assertEquals("-g a=b", p.values().get("options"));
    }

    @Test
    void checkLevelAndInstanceAreSettingsNotAgentParameters() throws Exception {
        OcfParameters p = OcfParameters.parse(List.of("OCF_CHECK_LEVEL=10", "OCF_RESOURCE_INSTANCE=web", "port=80"));
        assertEquals(Map.of("port", "80"), p.values());
        assertEquals(OptionalInt.of(10), p.checkLevel());
        assertEquals("web", p.instanceId("nginx"));
    }

    @Test
    void rejectsFieldsWithoutEqualsBadNamesDuplicatesAndBadLevels() {
        assertTrue(assertThrows(AgentConfigException.class, () -> OcfParameters.parse(List.of("198.51.100.10")))
                .getMessage().contains("must be name=value"));
        assertTrue(assertThrows(AgentConfigException.class, () -> OcfParameters.parse(List.of("my-ip=1")))
                .getMessage().contains("OCF_RESKEY_my-ip"));
        assertTrue(assertThrows(AgentConfigException.class, () -> OcfParameters.parse(List.of("a=1", "a=2")))
                .getMessage().contains("given twice"));
        assertThrows(AgentConfigException.class, () -> OcfParameters.parse(List.of("OCF_CHECK_LEVEL=deep")));
        assertThrows(AgentConfigException.class, () -> OcfParameters.parse(List.of("OCF_RESOURCE_INSTANCE=../x")));
    }

    @Test
    void derivedInstanceIdIsFileNameSafeAndDistinctForLongValues() throws Exception {
        assertEquals("IPaddr2_198.51.100.10_24", OcfParameters.parse(List.of("ip=198.51.100.10", "cidr_netmask=24"))
                .instanceId("IPaddr2"));
        assertEquals("nginx_etc_nginx_site.conf", OcfParameters.parse(List.of("configfile=/etc/nginx/site.conf"))
                .instanceId("nginx"));
        assertEquals("Dummy", OcfParameters.parse(List.of()).instanceId("Dummy"));
        String a = OcfParameters.parse(List.of("configfile=/srv/www/a-very-long-directory-name/conf/nginx-one.conf"))
                .instanceId("nginx");
        String b = OcfParameters.parse(List.of("configfile=/srv/www/a-very-long-directory-name/conf/nginx-two.conf"))
                .instanceId("nginx");
        assertTrue(a.length() <= 60 && a.matches("[A-Za-z0-9_.-]+"), a);
        assertTrue(!a.equals(b), a + " vs " + b);
    }
}
