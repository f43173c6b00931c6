package io.lifeline.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.agent.script.OcfScriptAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.config.ResourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ClusterLabs agents from Debian's resource-agents package, resolved through the
 * registry's {@code ocf:} path and run by the OCF script agent.
 */
class OcfAgentsIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final Path OCF_HEARTBEAT = AgentSearchPath.OCF_ROOT.resolve("resource.d/heartbeat");

    @TempDir
    Path tmp;

    private final AgentRegistry registry = new AgentRegistry(List.of(), AgentSearchPath.standard(List.of()),
            new ProcessRunner());

    private OcfScriptAgent resolve(String word) {
        String[] parts = word.split("::", -1);
        ResourceSpec spec = new ResourceSpec(parts[0], Arrays.asList(parts).subList(1, parts.length), word, 1);
        Resolution r = registry.resolve(spec);
        if (r instanceof Resolution.Failed f) {
            throw new AssertionError(f.message());
        }
        return (OcfScriptAgent) ((Resolution.Found) r).agent();
    }

    @Test
    void dummyStartsMonitorsAndStopsWithItsStateFile() throws Exception {
        assumeTrue(Files.isExecutable(OCF_HEARTBEAT.resolve("Dummy")), "resource-agents not installed");
        Path state = tmp.resolve("dummy.state");
        OcfScriptAgent dummy = resolve("ocf:heartbeat:Dummy::state=" + state);

        assertEquals(OcfStatus.NOT_RUNNING, dummy.probe(T).status());
        assertEquals(OcfStatus.SUCCESS, dummy.validate(T).status());
        assertEquals(OcfStatus.SUCCESS, dummy.start(T).status());
        assertTrue(Files.exists(state), "Dummy keeps its state in OCF_RESKEY_state");
        assertEquals(OcfStatus.SUCCESS, dummy.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, dummy.start(T).status(), "start is idempotent");
        assertEquals(OcfStatus.SUCCESS, dummy.stop(T).status());
        assertFalse(Files.exists(state));
        assertEquals(OcfStatus.NOT_RUNNING, dummy.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, dummy.stop(T).status(), "stop is idempotent");

        // the real meta-data's hints
        assertEquals(Optional.of(Duration.ofSeconds(10)), dummy.hints().monitorInterval());
        assertEquals(Optional.of(Duration.ofSeconds(20)), dummy.hints().timeout("start"));
        assertEquals(List.of(), dummy.parameterProblems());
    }

    @Test
    void dummyStartFailureExplainsItself() throws Exception {
        assumeTrue(Files.isExecutable(OCF_HEARTBEAT.resolve("Dummy")), "resource-agents not installed");
        // Dummy's fake=... parameter is fine; an unwritable state directory makes start fail
        Path blocker = Files.writeString(tmp.resolve("file"), "not a directory");
        OcfScriptAgent dummy = resolve("ocf:heartbeat:Dummy::state=" + blocker.resolve("sub/dummy.state"));
        AgentResult start = dummy.start(T);
        assertFalse(start.isSuccess(), start.toString());
        assertFalse(start.message().isEmpty(), "a failed start explains itself");
    }

    @Test
    void nginxAgentRunsARealNginxAndNoticesItsMasterDying() throws Exception {
        assumeTrue(Files.isExecutable(OCF_HEARTBEAT.resolve("nginx")), "resource-agents not installed");
        assumeTrue(Files.isExecutable(NginxTestServer.NGINX), "nginx not installed");
        NginxTestServer server = new NginxTestServer(tmp);
        // the agent's validate-all insists on a status URL with a path, even at depth 0
        String word = "ocf:heartbeat:nginx::configfile=" + server.config + "::httpd=" + NginxTestServer.NGINX
                + "::options=-e " + tmp.resolve("startup.log") + "::status10url=" + server.url("/nginx_status");
        OcfScriptAgent nginx = resolve(word);
        OcfScriptAgent deep = resolve(word + "::OCF_CHECK_LEVEL=10");
        try {
            assertEquals(OcfStatus.NOT_RUNNING, nginx.probe(T).status());
            assertEquals(OcfStatus.SUCCESS, nginx.validate(T).status());
            // the agent's own ocf_exit_reason becomes the message
            AgentResult invalid = resolve("ocf:heartbeat:nginx::configfile=" + server.config + "::status10url="
                    + server.url("")).validate(T);
            assertEquals(OcfStatus.ERR_ARGS, invalid.status());
            assertEquals("Invalid STATUSURL " + server.url(""), invalid.message());
            AgentResult start = nginx.start(T);
            assertEquals(OcfStatus.SUCCESS, start.status(), start.toString());
            long master = server.masterPid().orElseThrow();
            assertEquals(200, server.get("/"));
            assertEquals(OcfStatus.SUCCESS, nginx.monitor(T).status());
            // depth 10: the agent fetches the stub_status page and matches it
            assertEquals(OcfStatus.SUCCESS, deep.monitor(T).status());

            ProcessHandle.of(master).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(master).isEmpty()
                    || !ProcessHandle.of(master).get().isAlive());
            AgentResult afterKill = nginx.monitor(T);
            assertEquals(OcfStatus.NOT_RUNNING, afterKill.status(), afterKill.toString());
            server.killAll();
            assertEquals(OcfStatus.SUCCESS, nginx.stop(T).status());
        } finally {
            nginx.stop(T);
            server.killAll();
        }
    }
}
