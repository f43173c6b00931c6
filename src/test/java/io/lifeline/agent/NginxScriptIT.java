package io.lifeline.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.agent.script.HeartbeatScriptAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.agent.script.TestScripts;
import io.lifeline.config.ResourceSpec;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifeline's own resource-agents/nginx script, resolved from the checkout, driving a real nginx. */
class NginxScriptIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static Path checkoutAgents() {
        return Path.of(System.getProperty("lifeline.home", System.getProperty("user.dir"))).resolve("resource-agents");
    }

    private HeartbeatScriptAgent resolve(String word) {
        AgentRegistry registry = new AgentRegistry(List.of(),
                AgentSearchPath.standard(List.of(checkoutAgents())), new ProcessRunner());
        String[] parts = word.split("::", -1);
        Resolution r = registry.resolve(new ResourceSpec(parts[0], Arrays.asList(parts).subList(1, parts.length),
                word, 1));
        if (r instanceof Resolution.Failed f) {
            throw new AssertionError(f.message());
        }
        HeartbeatScriptAgent agent = (HeartbeatScriptAgent) ((Resolution.Found) r).agent();
        assertEquals(checkoutAgents().resolve("nginx"), agent.script());
        return agent;
    }

    private final List<Socket> sockets = new java.util.ArrayList<>();

    private Socket closeLater(Socket s) {
        sockets.add(s);
        return s;
    }

    @org.junit.jupiter.api.AfterEach
    void closeSockets() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** The master first: a master that sees a worker die forks a new one, which a KILL sent later would miss. */
    private static void signalGroup(long master, String signal) {
        List<Long> workers = ProcessHandle.of(master).map(h -> h.children().map(ProcessHandle::pid).toList())
                .orElse(List.of());
        kill(signal, master);
        workers.forEach(w -> kill(signal, w));
    }

    private static void kill(String signal, long pid) {
        try {
            new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).start().waitFor();
        } catch (Exception e) {
            throw new AssertionError("kill -s " + signal + " " + pid + ": " + e);
        }
    }

    @Test
    void startStatusHangReloadKillStop() throws Exception {
        assumeTrue(Files.isExecutable(NginxTestServer.NGINX), "nginx not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        NginxTestServer server = new NginxTestServer(tmp);
        // no "pid" directive in the config: the script passes the pid file with -g
        Files.writeString(server.config, Files.readString(server.config).replaceFirst("pid [^;]*;", ""));
        HeartbeatScriptAgent nginx = resolve("nginx::" + server.config + "::" + server.pidFile
                + "::url=" + server.url("/health") + "::timeout=2::errorlog=" + tmp.resolve("early.log"));
        try {
            assertEquals(OcfStatus.NOT_RUNNING, nginx.monitor(T).status());
            AgentResult start = nginx.start(T);
            assertEquals(OcfStatus.SUCCESS, start.status(), start.toString());
            long master = server.masterPid().orElseThrow();
            assertEquals(200, server.get("/"));
            AgentResult running = nginx.monitor(T);
            assertEquals(OcfStatus.SUCCESS, running.status());
            assertEquals("nginx (pid " + master + ") is running", running.message());
            assertEquals(OcfStatus.SUCCESS, nginx.start(T).status(), "start is idempotent");

            // hung: processes exist but do not answer; the health check turns that into "not running"
            signalGroup(master, "STOP");
            AgentResult hung = nginx.monitor(T);
            signalGroup(master, "CONT");
            assertEquals(OcfStatus.NOT_RUNNING, hung.status(), hung.toString());
            assertTrue(hung.message().contains("health check " + server.url("/health") + " failed"), hung.message());
            await().atMost(Duration.ofSeconds(30)).until(() -> nginx.monitor(T).isSuccess());

            // reload: a new config is served by the same master; a broken one is refused
            Files.writeString(server.config, Files.readString(server.config)
                    .replace("location / {", "location = /added { return 204; }\n        location / {"));
            assertEquals(OcfStatus.SUCCESS, nginx.reload(T).status());
            await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/added") == 204);
            Files.writeString(server.config, Files.readString(server.config) + "\nthis is not nginx syntax\n");
            AgentResult badReload = nginx.reload(T);
            assertEquals(OcfStatus.ERR_GENERIC, badReload.status());
            assertTrue(badReload.message().contains("exit code 6: nginx: configuration test failed"),
                    badReload.message());
            assertEquals(204, server.get("/added"), "the running configuration is kept");
            assertEquals(master, server.masterPid().orElseThrow());

            // dead: the master is killed; its orphaned workers must not fool status, and stop ends them
            List<Long> workers = ProcessHandle.of(master).orElseThrow().children().map(ProcessHandle::pid).toList();
            assertTrue(!workers.isEmpty(), "nginx has workers");
            kill("KILL", master);
            await().atMost(Duration.ofSeconds(30)).until(() -> !nginx.monitor(T).isSuccess());
            AgentResult dead = nginx.monitor(T);
            assertEquals(OcfStatus.NOT_RUNNING, dead.status());
            assertTrue(dead.message().contains("stale pid file"), dead.message());
            assertEquals(OcfStatus.SUCCESS, nginx.stop(T).status());
            await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/") == -1);
            assertEquals(OcfStatus.NOT_RUNNING, nginx.monitor(T).status());
            assertEquals(OcfStatus.SUCCESS, nginx.stop(T).status(), "stop is idempotent");
            assertTrue(workers.stream().noneMatch(TestScripts::isRunning), "orphaned workers ended: " + workers);
        } finally {
            nginx.stop(T);
            server.killAll();
        }
    }

    /**
     * A health check of a loopback URL is asked by bash over /dev/tcp instead of curl (a third of
     * the time and CPU, on every start and every monitor: issue 20), with curl's verdicts: any
     * answer below 400 passes, an error status, a refused connection or no answer fails. Other
     * URLs still go to curl.
     */
    @Test
    void aLoopbackHealthCheckGivesCurlsVerdictsWithoutCurl() throws Exception {
        assumeTrue(Files.isExecutable(NginxTestServer.NGINX), "nginx not installed");
        NginxTestServer server = new NginxTestServer(tmp);
        int closedPort = NginxTestServer.freeLoopbackPort();
        String word = "nginx::" + server.config + "::" + server.pidFile + "::timeout=2::url=";
        HeartbeatScriptAgent nginx = resolve(word + server.url("/health"));
        try {
            AgentResult start = nginx.start(T);
            assertEquals(OcfStatus.SUCCESS, start.status(), start.toString());
            assertEquals(OcfStatus.SUCCESS, nginx.monitor(T).status());
            for (String url : List.of("http://localhost:" + server.port + "/health", "http://127.0.0.1:" + server.port)) {
                AgentResult r = resolve(word + url).monitor(T);
                assertEquals(OcfStatus.SUCCESS, r.status(), url + ": " + r);
            }
            AgentResult error = resolve(word + server.url("/broken")).monitor(T);
            assertEquals(OcfStatus.NOT_RUNNING, error.status(), error.toString());
            assertTrue(error.message().endsWith("health check " + server.url("/broken") + " failed (HTTP status 503)"),
                    error.message());
            String refusedUrl = "http://127.0.0.1:" + closedPort + "/health";
            AgentResult refused = resolve(word + refusedUrl).monitor(T);
            assertEquals(OcfStatus.NOT_RUNNING, refused.status(), refused.toString());
            assertTrue(refused.message().endsWith("health check " + refusedUrl + " failed (connect: Connection refused)"),
                    refused.message());
            if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
                AgentResult tls = resolve(word + "https://127.0.0.1:" + server.port + "/health").monitor(T);
                assertEquals(OcfStatus.NOT_RUNNING, tls.status(), tls.toString());
                assertTrue(tls.message().contains("(curl exit "), "https is curl's: " + tls.message());
            }
        } finally {
            nginx.stop(T);
            server.killAll();
        }
    }

    @Test
    void startRefusesABrokenConfigAndStopOfAStoppedNginxSucceeds() throws Exception {
        assumeTrue(Files.isExecutable(NginxTestServer.NGINX), "nginx not installed");
        NginxTestServer server = new NginxTestServer(tmp);
        Files.writeString(server.config, Files.readString(server.config) + "\nbroken {\n");
        HeartbeatScriptAgent nginx = resolve("nginx::" + server.config + "::errorlog=" + tmp.resolve("early.log"));
        try {
            AgentResult start = nginx.start(T);
            assertEquals(OcfStatus.ERR_GENERIC, start.status());
            assertTrue(start.message().startsWith("start: exit code 6: nginx: configuration test failed"),
                    start.message());
            assertEquals(-1, server.get("/"));
            assertEquals(OcfStatus.SUCCESS, nginx.stop(T).status());
        } finally {
            server.killAll();
        }
    }

    @Test
    void aRunningNginxWhoseConfigWasBrokenByAnEditStillLooksRunning() throws Exception {
        assumeTrue(Files.isExecutable(NginxTestServer.NGINX), "nginx not installed");
        NginxTestServer server = new NginxTestServer(tmp);
        // no PIDFILE argument: the script finds it in the config's pid directive
        HeartbeatScriptAgent nginx = resolve("nginx::" + server.config + "::errorlog=" + tmp.resolve("early.log"));
        try {
            assertEquals(OcfStatus.SUCCESS, nginx.start(T).status());
            server.masterPid().orElseThrow();
            Files.writeString(server.config, Files.readString(server.config) + "\nhalf-typed directive\n");
            AgentResult status = nginx.monitor(T);
            assertEquals(OcfStatus.SUCCESS, status.status(), status.toString());
            assertEquals(OcfStatus.SUCCESS, nginx.stop(T).status());
            assertEquals(-1, server.get("/"));
        } finally {
            nginx.stop(T);
            server.killAll();
        }
    }

    /**
     * Stop and status of an nginx that is already dead ask about the one PID in the pid file, not
     * every process (issue 20); they must still never signal a stranger that got that PID since.
     * The stranger here leads its own session and process group, as a reused master PID would.
     */
    @Test
    void aDeadNginxWhosePidWasReusedLeavesTheStrangerAlone() throws Exception {
        assumeTrue(Files.isExecutable(NginxTestServer.NGINX), "nginx not installed");
        NginxTestServer server = new NginxTestServer(tmp);
        HeartbeatScriptAgent nginx = resolve("nginx::" + server.config + "::errorlog=" + tmp.resolve("early.log"));
        Process stranger = new ProcessBuilder("setsid", "sleep", "120").start();
        try {
            assertEquals(OcfStatus.SUCCESS, nginx.start(T).status());
            long master = server.masterPid().orElseThrow();
            List<Long> workers = ProcessHandle.of(master).orElseThrow().children().map(ProcessHandle::pid).toList();
            signalGroup(master, "KILL");
            await().atMost(Duration.ofSeconds(30)).until(() -> !TestScripts.isRunning(master)
                    && workers.stream().noneMatch(TestScripts::isRunning));
            long strangerPid = stranger.pid();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(Path.of("/proc/" + strangerPid + "/stat"))
                    .contains("(sleep)")); // setsid has exec'd sleep
            Files.writeString(server.pidFile, strangerPid + "\n");

            AgentResult status = nginx.monitor(T);
            assertEquals(OcfStatus.NOT_RUNNING, status.status(), status.toString());
            assertTrue(status.message().contains("stale pid file"), status.message());
            AgentResult stop = nginx.stop(T);
            assertEquals(OcfStatus.SUCCESS, stop.status(), stop.toString());
            assertTrue(stranger.isAlive(), "the process that reused the PID was left alone");
        } finally {
            stranger.destroyForcibly();
            nginx.stop(T);
            server.killAll();
        }
    }

    /**
     * A client in the middle of a request kept nginx's graceful quit (and so the stop, while the
     * VIP stayed up with nothing accepting) going 20-34 s: the old stop waited wait= (20 s) for it.
     * Now QUIT gets grace= (3 s by default), then TERM ends the held connection.
     */
    @Test
    void stopIsBoundedWhileAClientHoldsARequestOpen() throws Exception {
        long tookMs = stopMillisWithARequestHeldOpen("");
        assertTrue(tookMs >= 2_500 && tookMs < 6_000, "stop took " + tookMs + " ms; QUIT gets 3 s, then TERM");
    }

    @Test
    void graceZeroEndsAGracefulQuitAtOnce() throws Exception {
        long tookMs = stopMillisWithARequestHeldOpen("::grace=0");
        assertTrue(tookMs < 2_000, "stop took " + tookMs + " ms");
    }

    /** Starts nginx with {@code options}, holds half a request open, and times a successful stop. */
    private long stopMillisWithARequestHeldOpen(String options) throws Exception {
        assumeTrue(Files.isExecutable(NginxTestServer.NGINX), "nginx not installed");
        NginxTestServer server = new NginxTestServer(tmp);
        HeartbeatScriptAgent nginx = resolve("nginx::" + server.config + options + "::errorlog="
                + tmp.resolve("early.log"));
        try {
            assertEquals(OcfStatus.SUCCESS, nginx.start(T).status());
            @SuppressWarnings("resource") // closed by nginx's TERM, and after the test
            Socket held = closeLater(new Socket(InetAddress.getLoopbackAddress(), server.port));
            // half a request: nginx waits for the rest (client_header_timeout, 60 s) before it may quit
            held.getOutputStream().write("GET / HTTP/1.1\r\nHost: lifeline\r\n".getBytes(StandardCharsets.US_ASCII));
            held.getOutputStream().flush();
            long before = System.nanoTime();
            AgentResult stop = nginx.stop(T);
            long tookMs = (System.nanoTime() - before) / 1_000_000;
            assertEquals(OcfStatus.SUCCESS, stop.status(), stop.toString());
            held.setSoTimeout(5_000);
            assertEquals(-1, held.getInputStream().read(), "TERM closed the held connection");
            assertEquals(-1, server.get("/"));
            return tookMs;
        } finally {
            nginx.stop(T);
            server.killAll();
        }
    }
}
