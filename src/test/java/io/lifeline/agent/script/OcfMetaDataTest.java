package io.lifeline.agent.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentHints;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OcfMetaDataTest {

    // shaped like the nginx agent's: several monitor depths, a DOCTYPE whose DTD must not be fetched
    private static final String XML = """
            <?xml version="1.0"?>
            <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
            <resource-agent name="nginx" version="1.0">
            <version>1.0</version>
            <longdesc lang="en">long</longdesc>
            <shortdesc lang="en">Manages an
              Nginx web/proxy server instance</shortdesc>
            <parameters>
            <parameter name="configfile" required="0" unique="1">
              <shortdesc lang="en">configuration file path</shortdesc>
              <content type="string" default="/etc/nginx/nginx.conf"/>
            </parameter>
            <parameter name="ip" required="1"><shortdesc lang="en">IP address</shortdesc><content type="string"/></parameter>
            </parameters>
            <actions>
            <action name="start"   timeout="40s" />
            <action name="stop"    timeout="1min" />
            <action name="monitor" timeout="30s" depth="0" interval="10s" />
            <action name="monitor" timeout="30000ms" depth="10" interval="30" />
            <action name="monitor" timeout="45s" depth="20" />
            <action name="meta-data"  timeout="5s" />
            <action name="validate-all"  timeout="bogus" />
            </actions>
            </resource-agent>
            """;

    @Test
    void readsParametersAndActionHints() {
        OcfMetaData md = OcfMetaData.parse(XML);
        assertEquals("nginx", md.name());
        assertEquals("Manages an Nginx web/proxy server instance", md.shortDescription());
        assertEquals(Optional.of("/etc/nginx/nginx.conf"), md.parameter("configfile").orElseThrow().defaultValue());
        assertTrue(md.parameter("ip").orElseThrow().required());
        AgentHints h = md.hints();
        assertEquals(Optional.of(Duration.ofSeconds(40)), h.timeout("start"));
        assertEquals(Optional.of(Duration.ofMinutes(1)), h.timeout("stop"));
        assertEquals(Optional.of(Duration.ofSeconds(10)), h.monitorInterval());
        assertEquals(Optional.of(Duration.ofSeconds(30)), h.monitorTimeout());
        assertEquals(Optional.of(Duration.ofSeconds(30)), h.monitorInterval(10));
        assertEquals(Optional.empty(), h.monitorInterval(20));
        assertEquals(Optional.empty(), h.timeout("validate-all"));
        assertEquals(Optional.empty(), h.timeout("reload"));
        assertEquals(Optional.empty(), h.reload(), "no reload action: every change restarts");
    }

    /** What an agent reloads in place: OCF 1.1 reload-agent with reloadable="1", or reload with non-unique parameters. */
    @Test
    void readsWhatTheAgentReloadsInPlace() {
        String params = """
                <parameters>
                <parameter name="configfile" unique="1" reloadable="1"><content type="string"/></parameter>
                <parameter name="status10url" reloadable="true"><content type="string"/></parameter>
                <parameter name="port" unique="0"><content type="string"/></parameter>
                <parameter name="pid" unique="1"><content type="string"/></parameter>
                </parameters>
                """;
        String ocf11 = "<resource-agent name=\"x\">" + params + "<actions><action name=\"start\"/>"
                + "<action name=\"reload\"/><action name=\"reload-agent\" timeout=\"10s\"/></actions></resource-agent>";
        assertEquals(Optional.of(new AgentHints.Reload("reload-agent", java.util.Set.of("configfile", "status10url"))),
                OcfMetaData.parse(ocf11).hints().reload(), "reload-agent wins and takes the reloadable ones");
        String ocf10 = "<resource-agent name=\"x\">" + params + "<actions><action name=\"reload\"/></actions>"
                + "</resource-agent>";
        assertEquals(Optional.of(new AgentHints.Reload("reload", java.util.Set.of("status10url", "port"))),
                OcfMetaData.parse(ocf10).hints().reload(), "the older style: every parameter not unique");
        // review finding: an OCF 1.1 agent whose only reload re-reads its service's configuration
        String ocf11Reload = "<resource-agent name=\"x\"><version>1.1</version>" + params
                + "<actions><action name=\"reload\"/></actions></resource-agent>";
        assertEquals(Optional.empty(), OcfMetaData.parse(ocf11Reload).hints().reload(),
                "OCF 1.1 without reload-agent: a parameter change restarts (as Pacemaker)");
    }

    @Test
    void rejectsNonXmlAndForeignRoots() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OcfMetaData.parse("usage: foo start|stop"))
                .getMessage().startsWith("meta-data is not well-formed XML"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OcfMetaData.parse("<html/>"))
                .getMessage().contains("<html>"));
    }

    @Test
    void durationsUsePacemakerUnits() {
        assertEquals(Optional.of(Duration.ofSeconds(20)), OcfDurations.parse("20"));
        assertEquals(Optional.of(Duration.ofMillis(1500)), OcfDurations.parse("1.5s"));
        assertEquals(Optional.of(Duration.ofMinutes(2)), OcfDurations.parse("2min"));
        assertEquals(Optional.of(Duration.ofHours(1)), OcfDurations.parse("1h"));
        assertEquals(Optional.of(Duration.ofMillis(250)), OcfDurations.parse("250msec"));
        assertEquals(Optional.empty(), OcfDurations.parse("20 parsecs"));
        assertEquals(Optional.empty(), OcfDurations.parse(""));
    }

    @Test
    void exitReasonIsTheLastPrefixedStderrLine() {
        assertEquals(Optional.of("second"), OcfExitReason.parse(
                "INFO: x\nocf-exit-reason:first\nERROR: y\nocf-exit-reason: second\n"));
        assertEquals(Optional.empty(), OcfExitReason.parse("ERROR: no reason given\n"));
    }
}
