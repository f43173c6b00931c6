package io.lifeline.agent.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCF agent against a fake agent in a temporary OCF_ROOT that records what it was given. */
class OcfScriptAgentTest {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private Path seen;
    private Path exitCodes;
    private final ProcessRunner runner = new ProcessRunner();

    @BeforeEach
    void writeFakeAgent() throws Exception {
        seen = root.resolve("seen");
        exitCodes = root.resolve("codes");
        Files.createDirectories(exitCodes);
        TestScripts.write(root.resolve("resource.d/test/Fake"), """
                if [ "$1" = meta-data ]; then
                  cat <<'XML'
                <?xml version="1.0"?>
                <resource-agent name="Fake"><version>1.1</version>
                <parameters><parameter name="state" required="1"><content type="string"/></parameter></parameters>
                <actions>
                  <action name="start" timeout="25s"/><action name="monitor" timeout="15s" interval="7s" depth="0"/>
                </actions></resource-agent>
                XML
                  exit 0
                fi
                echo "$# $1 root=$OCF_ROOT inst=$OCF_RESOURCE_INSTANCE type=$OCF_RESOURCE_TYPE \
                state=$OCF_RESKEY_state timeout=$OCF_RESKEY_CRM_meta_timeout \
                interval=$OCF_RESKEY_CRM_meta_interval level=$OCF_CHECK_LEVEL" >> %s
                echo "INFO: doing $1" >&2
                if [ -f %s/$1.reason ]; then echo "${OCF_EXIT_REASON_PREFIX}$(cat %s/$1.reason)" >&2; fi
                [ -f %s/$1 ] && exit $(cat %s/$1)
                exit 0
                """.formatted(seen, exitCodes, exitCodes, exitCodes, exitCodes));
    }

    private OcfScriptAgent agent(String... args) throws Exception {
        return new OcfScriptAgent("ocf:test:Fake::...", root, "test", "Fake", OcfParameters.parse(List.of(args)),
                runner);
    }

    private void exitWith(String action, int code, String reason) throws Exception {
        Files.writeString(exitCodes.resolve(action), Integer.toString(code));
        if (reason != null) {
            Files.writeString(exitCodes.resolve(action + ".reason"), reason);
        }
    }

    @Test
    void passesTheActionAloneAndEverythingElseInTheEnvironment() throws Exception {
        OcfScriptAgent agent = agent("state=/tmp/x", "OCF_RESOURCE_INSTANCE=fake1");
        assertEquals(OcfStatus.SUCCESS, agent.start(Duration.ofSeconds(25)).status());
        assertEquals(OcfStatus.SUCCESS, agent.monitor(Duration.ofSeconds(15)).status());
        assertEquals(OcfStatus.SUCCESS, agent.probe(Duration.ofSeconds(15)).status());
        List<String> lines = Files.readAllLines(seen);
        String common = "root=" + root + " inst=fake1 type=Fake state=/tmp/x";
        assertEquals("1 start " + common + " timeout=25000 interval=0 level=", lines.get(0));
        // recurring monitor: the interval the meta-data recommends; probe: 0
        assertEquals("1 monitor " + common + " timeout=15000 interval=7000 level=0", lines.get(1));
        assertEquals("1 monitor " + common + " timeout=15000 interval=0 level=0", lines.get(2));
    }

    @Test
    void exitCodesAreOcfResultsAndTheExitReasonIsTheMessage() throws Exception {
        OcfScriptAgent agent = agent("state=/tmp/x");
        exitWith("start", 5, "nginx binary /usr/sbin/nginx not found");
        AgentResult start = agent.start(T);
        assertEquals(OcfStatus.ERR_INSTALLED, start.status());
        assertEquals("nginx binary /usr/sbin/nginx not found", start.message());

        exitWith("monitor", 7, null);
        assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());

        exitWith("monitor", 1, null);
        AgentResult failed = agent.monitor(T);
        assertEquals(OcfStatus.ERR_GENERIC, failed.status());
        assertEquals("exit code 1: INFO: doing monitor", failed.message());

        exitWith("validate-all", 6, "configfile is required");
        assertEquals(OcfStatus.ERR_CONFIGURED, agent.validate(T).status());

        exitWith("reload", 42, null);
        AgentResult odd = agent.reload(T);
        assertEquals(OcfStatus.ERR_GENERIC, odd.status());
        assertEquals("unknown OCF exit code 42: INFO: doing reload", odd.message());
    }

    @Test
    void stopReportingNotRunningCountsAsStopped() throws Exception {
        exitWith("stop", 7, null);
        assertEquals(OcfStatus.SUCCESS, agent("state=/tmp/x").stop(T).status());
        exitWith("stop", 1, "device busy");
        AgentResult r = agent("state=/tmp/x").stop(T);
        assertEquals(OcfStatus.ERR_GENERIC, r.status());
        assertEquals("device busy", r.message());
    }

    @Test
    void metaDataGivesHintsAndParameterChecks() throws Exception {
        OcfScriptAgent agent = agent("stat=/tmp/x");
        assertEquals(Optional.of(Duration.ofSeconds(25)), agent.hints().timeout("start"));
        assertEquals(Optional.of(Duration.ofSeconds(7)), agent.hints().monitorInterval());
        assertEquals(Optional.of(Duration.ofSeconds(15)), agent.hints().monitorTimeout());
        assertEquals(List.of("ocf:test:Fake has no parameter 'stat' (it has: state)",
                "ocf:test:Fake needs parameter 'state'"), agent.parameterProblems());
        assertTrue(agent.metaData().contains("<resource-agent name=\"Fake\">"));
    }

    @Test
    void brokenMetaDataIsAskedForOnceAndMonitorsUseTheDefaultInterval() throws Exception {
        Path calls = root.resolve("broken-calls");
        TestScripts.write(root.resolve("resource.d/test/Broken"), """
                echo "$1 $OCF_RESKEY_CRM_meta_interval" >> %s
                [ "$1" = meta-data ] && echo "usage: Broken start|stop"
                exit 0
                """.formatted(calls));
        OcfScriptAgent broken = new OcfScriptAgent("ocf:test:Broken", root, "test", "Broken",
                OcfParameters.parse(List.of()), runner);
        assertEquals(OcfStatus.SUCCESS, broken.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, broken.monitor(T).status());
        assertEquals(Optional.empty(), broken.hints().monitorInterval());
        assertEquals(List.of("meta-data 0", "monitor 10000", "monitor 10000"), Files.readAllLines(calls));
    }
}
