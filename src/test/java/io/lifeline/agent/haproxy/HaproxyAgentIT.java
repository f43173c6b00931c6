package io.lifeline.agent.haproxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.agent.AgentDetails;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.config.ResourceSpec;
import io.lifeline.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HAProxy agent driving the real haproxy inside a lab namespace (so its fixed loopback
 * ports are private): start, monitor with backend details, reload under continuous client
 * load with zero failed requests (one of them after the monitor reported the changed file), a
 * refused bad reload, kill -9 of the worker and of the
 * master detected by monitor, and stop leaving no process.
 */
class HaproxyAgentIT {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final Path WRK = Path.of("/usr/bin/wrk");
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Lab lab;
    private Lab.Host host;
    private Path config;
    private HaproxyAgent agent;

    private static String config(Path dir, String answer) {
        return """
                # written by HaproxyAgentIT
                global
                    stats socket %1$s/admin.sock mode 600 level admin
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                    # a check may take long on a loaded box; refused connects (s2) still fail at once
                    timeout check 5s
                frontend fe
                    bind 127.0.0.1:8080
                    default_backend web
                backend web
                    server s1 127.0.0.1:8081 check inter 200 fall 2
                # not in the traffic path: nothing listens behind s2, so its checks fail
                backend spare
                    server s2 127.0.0.1:8082 check inter 200 fall 2
                listen origin
                    bind 127.0.0.1:8081
                    http-request return status 200 content-type text/plain string "%2$s"
                """.formatted(dir, answer);
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy not installed");
        lab = Lab.create("hp");
        host = lab.addHost("lb");
        config = Files.writeString(dir.resolve("haproxy.cfg"), config(dir, "one"));
        ProcessRunner inNamespace = new ProcessRunner(List.of("ip", "netns", "exec", host.namespace()),
                ProcessRunner.DEFAULT_OUTPUT_LIMIT);
        String word = "HAProxy::" + config + "::rundir=" + dir.resolve("run");
        agent = (HaproxyAgent) new HaproxyAgentFactory(inNamespace)
                .create(new ResourceSpec("HAProxy", List.of(config.toString(), "rundir=" + dir.resolve("run")), word, 1));
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.stop(T);
            // whatever the test did, no haproxy of ours may survive it
            new InstanceProcesses(agent.settings().pidFile()).all().forEach(p -> PosixSignals.send(p, PosixSignals.SIGKILL));
        }
        if (lab != null) {
            lab.close();
        }
    }

    private String get() {
        return host.shResult("curl -s --max-time 5 http://127.0.0.1:8080/").output().strip();
    }

    private List<Long> instanceProcesses() {
        return new InstanceProcesses(agent.settings().pidFile()).all();
    }

    private long master() {
        return new InstanceProcesses(agent.settings().pidFile()).masterFromPidFile().orElseThrow();
    }

    private long worker() {
        return ((Number) agent.details().json().get("worker_pid")).longValue();
    }

    @Test
    void startMonitorDetailsReloadStop() throws Exception {
        assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
        AgentResult start = agent.start(T);
        assertEquals(OcfStatus.SUCCESS, start.status(), start.toString());
        assertTrue(start.message().matches("haproxy 2\\.\\S+ \\(master \\d+, worker \\d+\\) is running"), start.message());
        long master = master();
        assertEquals("one", get());
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status(), "start is idempotent");
        assertEquals(master, master(), "and starts nothing new");

        // details: s1 answers its checks, nothing listens behind s2 (every line from one read of
        // the stats socket: a read while haproxy's first checks run may not list the backends yet)
        java.util.concurrent.atomic.AtomicReference<AgentDetails> seen = new java.util.concurrent.atomic.AtomicReference<>();
        List<String> wanted = List.of("  spare/s2 127.0.0.1:8082: DOWN", "backend web: UP, 1/1 servers up",
                "backend spare: DOWN, 0/1 servers up", "  web/s1 127.0.0.1:8081: UP (L4OK");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!agent.monitor(T).isSuccess()) {
                return false;
            }
            AgentDetails read = agent.details();
            seen.set(read);
            return wanted.stream().allMatch(w -> read.lines().stream().anyMatch(l -> l.startsWith(w)));
        });
        AgentDetails d = seen.get();
        assertTrue(d.lines().get(0).contains("stats socket " + dir.resolve("admin.sock")), d.lines().get(0));

        // reload under load: keep-alive and connection-per-request clients, zero failures allowed
        assumeTrue(Files.isExecutable(WRK), "wrk not installed");
        Process keepAlive = host.start(List.of("wrk", "-t1", "-c8", "-d8s", "http://127.0.0.1:8080/"),
                dir.resolve("wrk-keepalive.log"));
        Process perRequest = host.start(List.of("wrk", "-t1", "-c8", "-d8s", "-H", "Connection: close",
                "http://127.0.0.1:8080/"), dir.resolve("wrk-close.log"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("wrk-close.log")).contains("Running"));
        long workerBefore = worker();
        for (int i = 0; i < 3; i++) {
            Files.writeString(config, config(dir, "reload" + i));
            AgentResult reload = agent.reload(T);
            assertEquals(OcfStatus.SUCCESS, reload.status(), reload.toString());
            assertTrue(reload.message().startsWith("reloaded " + config + ": workers ["), reload.message());
        }
        // and once more as the manager does it: the monitor notices the changed file by itself and
        // only reports it (the worker stays), and the manager's reload action applies it
        Files.writeString(config, config(dir, "two"));
        long workerBeforeChange = worker();
        AgentResult noticed = agent.monitor(T);
        assertEquals(OcfStatus.SUCCESS, noticed.status(), noticed.toString());
        assertTrue(noticed.configChanged(), noticed.toString());
        assertEquals(workerBeforeChange, worker(), "the monitor reloads nothing itself");
        AgentResult applied = agent.reload(T);
        assertEquals(OcfStatus.SUCCESS, applied.status(), applied.toString());
        assertTrue(keepAlive.waitFor(60, TimeUnit.SECONDS) && perRequest.waitFor(60, TimeUnit.SECONDS), "wrk ends");
        assertNoFailures(dir.resolve("wrk-keepalive.log"));
        assertNoFailures(dir.resolve("wrk-close.log"));
        assertEquals("two", get());
        assertEquals(master, master(), "a reload keeps the master");
        agent.monitor(T);
        assertNotEquals(workerBefore, worker(), "a reload replaces the worker");

        // a broken file is refused by reload, the running one kept, and the monitor reports that
        // version no more
        Files.writeString(config, config(dir, "three") + "    frobnicate on\n");
        AgentResult bad = agent.reload(T);
        assertEquals(OcfStatus.ERR_CONFIGURED, bad.status());
        assertTrue(bad.message().contains(config + ":22: unknown keyword 'frobnicate'"), bad.message());
        AgentResult monitored = agent.monitor(T);
        assertEquals(OcfStatus.SUCCESS, monitored.status(), monitored.toString());
        assertFalse(monitored.configChanged(), monitored.toString());
        assertEquals("two", get(), () -> agent.details().lines().toString());

        // stop: graceful, nothing left, idempotent
        Files.writeString(config, config(dir, "two"));
        AgentResult stop = agent.stop(T);
        assertEquals(OcfStatus.SUCCESS, stop.status(), stop.toString());
        assertTrue(stop.message().contains("soft stop"), stop.message());
        assertEquals(List.of(), instanceProcesses());
        assertFalse(Files.exists(agent.settings().pidFile()));
        assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status(), "stop is idempotent");
        assertEquals("", get());
    }

    @Test
    void killedWorkerOrMasterIsDetectedAndStopCleansUp() throws Exception {
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status());
        agent.monitor(T);
        long worker = worker();
        assertTrue(PosixSignals.send(worker, PosixSignals.SIGKILL));
        await().atMost(Duration.ofSeconds(30)).until(() -> !agent.monitor(T).isSuccess());
        AgentResult afterWorker = agent.monitor(T);
        assertTrue(afterWorker.status() == OcfStatus.NOT_RUNNING || afterWorker.status() == OcfStatus.ERR_GENERIC,
                afterWorker.toString());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
        assertEquals(List.of(), instanceProcesses());

        AgentResult restart = agent.start(T);
        assertEquals(OcfStatus.SUCCESS, restart.status(), restart.toString());
        long master = master();
        assertTrue(PosixSignals.send(master, PosixSignals.SIGKILL));
        await().atMost(Duration.ofSeconds(30)).until(() -> !agent.monitor(T).isSuccess());
        AgentResult afterMaster = agent.monitor(T);
        assertNotEquals(OcfStatus.SUCCESS, afterMaster.status());
        assertTrue(afterMaster.message().contains(Long.toString(master)), afterMaster.message());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
        assertEquals(List.of(), instanceProcesses());
        assertEquals("", get());
    }

    /**
     * Debian's packaged haproxy.cfg style: chroot, an unprivileged user, "daemon", and a pidfile
     * directive of its own. The agent's -p wins, and everything works as with a plain file.
     */
    @Test
    void debianStyleConfigWithChrootUserDaemonAndPidfile() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/var/lib/haproxy")), "the haproxy package's chroot directory is missing");
        Files.writeString(config, config(dir, "debian").replace("global\n", """
                global
                    chroot /var/lib/haproxy
                    user haproxy
                    group haproxy
                    daemon
                    pidfile %s/elsewhere.pid
                """.formatted(dir)));
        AgentResult start = agent.start(T);
        assertEquals(OcfStatus.SUCCESS, start.status(), start.toString());
        assertEquals("debian", get());
        long master = master();
        assertFalse(Files.exists(dir.resolve("elsewhere.pid")), "the agent's pid file is used, not the config's");
        Files.writeString(config, Files.readString(config).replace("\"debian\"", "\"debian2\""));
        AgentResult reload = agent.reload(T);
        assertEquals(OcfStatus.SUCCESS, reload.status(), reload.toString());
        assertEquals("debian2", get());
        assertEquals(master, master());
        assertEquals(OcfStatus.SUCCESS, agent.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
        assertEquals(List.of(), instanceProcesses());
    }

    /** Without a stats socket the monitor reaches the worker through the master CLI. */
    @Test
    void withoutAStatsSocketTheMonitorGoesThroughTheMasterCli() throws Exception {
        Files.writeString(config, config(dir, "nosocket").replaceAll("(?m)^\\s*stats socket .*\n", ""));
        assertFalse(Files.readString(config).contains("stats socket"));
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status());
        AgentResult monitor = agent.monitor(T);
        assertEquals(OcfStatus.SUCCESS, monitor.status(), monitor.toString());
        assertEquals("master CLI " + dir.resolve("run/master.sock"), agent.details().json().get("source"));
        assertTrue(agent.details().lines().stream().anyMatch(l -> l.startsWith("backend web: UP, 1/1 servers up")),
                agent.details().lines().toString());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
        assertEquals(List.of(), instanceProcesses());
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    private static void assertNoFailures(Path wrkLog) throws IOException {
        String out = Files.readString(wrkLog);
        Matcher m = REQUESTS.matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(1)) > 100, "the load ran: " + out);
        assertFalse(out.contains("Socket errors"), out);
        assertFalse(out.contains("Non-2xx"), out);
    }
}
