package io.lifeline.agent.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.config.ResourceSpec;
import io.lifeline.process.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitors observe and never act: a monitor that finds haproxy.cfg changed since haproxy loaded
 * it says so ({@link AgentResult#configChanged()}) and leaves haproxy as it is; the reload is
 * the manager's action (GroupActions, {@code ReloadScenarioTest}). Runs the real haproxy, which
 * listens only on Unix sockets in the test's directory (no network, no namespace needed).
 */
class HaproxyChangedConfigTest {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private HaproxyAgent agent;

    private String config(String answer) {
        return """
                global
                    stats socket %1$s/admin.sock mode 600 level admin
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend fe
                    bind unix@%1$s/fe.sock mode 600
                    http-request return status 200 content-type text/plain string "%2$s"
                """.formatted(dir, answer);
    }

    private HaproxyAgent agent(Path config, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(config.toString(), "rundir=" + dir.resolve("run")));
        args.addAll(List.of(extra));
        try {
            return (HaproxyAgent) new HaproxyAgentFactory(new ProcessRunner())
                    .create(new ResourceSpec("HAProxy", args, "HAProxy::" + String.join("::", args), 1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.stop(T);
            new InstanceProcesses(agent.settings().pidFile()).all().forEach(p -> PosixSignals.send(p, PosixSignals.SIGKILL));
        }
    }

    /** The body haproxy answers on its Unix socket frontend. */
    private String answer() throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("fe.sock")));
            ch.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            String response = out.toString(StandardCharsets.US_ASCII);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private long worker() {
        return ((Number) agent.details().json().get("worker_pid")).longValue();
    }

    @Test
    void aMonitorReportsAChangedFileAndLeavesTheReloadToTheManager() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), config("one"));
        agent = agent(cfg);
        AgentResult start = agent.start(T);
        assertEquals(OcfStatus.SUCCESS, start.status(), start.toString());
        AgentResult unchanged = agent.monitor(T);
        assertTrue(unchanged.isSuccess() && !unchanged.configChanged(), unchanged.toString());
        long worker = worker();
        assertEquals("one", answer());

        Files.writeString(cfg, config("two"));
        AgentResult changed = agent.monitor(T);
        assertEquals(OcfStatus.SUCCESS, changed.status(), changed.toString());
        assertTrue(changed.configChanged(), "the monitor reports the change: " + changed);
        assertTrue(changed.message().endsWith("; " + cfg + " changed since haproxy loaded it"), changed.message());
        assertEquals(worker, worker(), "the monitor reloaded nothing: same worker");
        assertEquals("one", answer(), "haproxy still runs the file it loaded");
        AgentResult probe = agent.probe(T);
        assertTrue(probe.isSuccess() && !probe.configChanged(), "a probe reports no change: " + probe);

        // the manager's reload applies it; then the file is the loaded one again
        AgentResult reload = agent.reload(T);
        assertEquals(OcfStatus.SUCCESS, reload.status(), reload.toString());
        assertEquals("two", answer());
        AgentResult after = agent.monitor(T);
        assertTrue(after.isSuccess() && !after.configChanged(), after.toString());

        // a broken version is reported once: the reload refuses it, haproxy keeps "two", and the
        // monitor does not report that version again
        Files.writeString(cfg, config("three") + "    frobnicate on\n");
        assertTrue(agent.monitor(T).configChanged());
        AgentResult refused = agent.reload(T);
        assertEquals(OcfStatus.ERR_CONFIGURED, refused.status(), refused.toString());
        assertTrue(refused.message().startsWith("reload refused, haproxy keeps its running configuration: "),
                refused.message());
        AgentResult quiet = agent.monitor(T);
        assertTrue(quiet.isSuccess() && !quiet.configChanged(), quiet.toString());
        assertEquals("two", answer());
        // fixed again: a new version, reported again
        Files.writeString(cfg, config("four"));
        assertTrue(agent.monitor(T).configChanged());
    }

    @Test
    void withAutoreloadNoTheMonitorDoesNotReportTheChange() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), config("one"));
        agent = agent(cfg, "autoreload=no");
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status());
        Files.writeString(cfg, config("two"));
        AgentResult m = agent.monitor(T);
        assertTrue(m.isSuccess() && !m.configChanged(), m.toString());
        assertEquals("one", answer());
    }
}
