package io.lifeline.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.script.HeartbeatScriptAgent;
import io.lifeline.agent.script.LsbScriptAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.agent.script.TestScripts;
import io.lifeline.config.ResourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An LSB init script and a Heartbeat-style script, both written here, managing a real
 * long-running daemon, found by the registry in a temporary init.d and resource.d.
 */
class ScriptStylesIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private AgentRegistry registry;
    private final List<Path> pidFiles = new ArrayList<>();

    @BeforeEach
    void registry() throws Exception {
        Path initD = Files.createDirectories(tmp.resolve("init.d"));
        Path resourceD = Files.createDirectories(tmp.resolve("resource.d"));
        // an init script in the usual style: daemon in the background, pid file, LSB status codes
        TestScripts.write(initD.resolve("ticker"), """
                PIDFILE=%s
                # alive and not a zombie (this container's init may not reap re-parented children)
                running() { [ -f "$PIDFILE" ] && ps -o stat= -p "$(cat "$PIDFILE")" 2>/dev/null | grep -qv '^Z'; }
                case "$1" in
                  start) running && exit 0
                         setsid sh -c 'while :; do sleep 1; done' </dev/null >/dev/null 2>&1 &
                         echo $! > "$PIDFILE"; exit 0 ;;
                  stop) running && kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE"; exit 0 ;;
                  status) running && { echo "ticker is running"; exit 0; }
                          [ -f "$PIDFILE" ] && { echo "ticker is dead"; exit 1; }
                          echo "ticker is stopped"; exit 3 ;;
                  *) exit 2 ;;
                esac
                """.formatted(tmp.resolve("ticker.pid")));
        pidFiles.add(tmp.resolve("ticker.pid"));
        // a sloppy Heartbeat script: its daemon keeps the inherited stdout open, as many do
        TestScripts.write(resourceD.resolve("worker"), """
                PIDFILE=$1
                case "$2" in
                  start) sh -c 'echo "worker $$ up"; while :; do sleep 1; done' &
                         echo $! > "$PIDFILE" ;;
                  stop) [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null; rm -f "$PIDFILE" ;;
                  status) if [ -f "$PIDFILE" ] && ps -o stat= -p "$(cat "$PIDFILE")" 2>/dev/null | grep -qv '^Z'
                          then echo "worker is running"; else echo "worker is stopped"; fi ;;
                esac
                exit 0
                """);
        pidFiles.add(tmp.resolve("worker.pid"));
        registry = new AgentRegistry(List.of(),
                new AgentSearchPath(List.of(), resourceD, AgentSearchPath.OCF_ROOT, initD, AgentSearchPath.SYSTEMCTL),
                new ProcessRunner());
    }

    @AfterEach
    void endDaemons() {
        pidFiles.forEach(f -> TestScripts.readPid(f).ifPresent(TestScripts::kill));
    }

    private ResourceAgent resolve(String name, List<String> args) {
        String word = args.isEmpty() ? name : name + "::" + String.join("::", args);
        Resolution r = registry.resolve(new ResourceSpec(name, args, word, 1));
        if (r instanceof Resolution.Failed f) {
            throw new AssertionError(f.message());
        }
        return ((Resolution.Found) r).agent();
    }

    @Test
    void lsbScriptLifecycleAndADeadDaemonIsAFailureNotAStop() {
        LsbScriptAgent ticker = assertInstanceOf(LsbScriptAgent.class, resolve("ticker", List.of()));
        assertEquals(OcfStatus.NOT_RUNNING, ticker.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, ticker.start(T).status());
        assertEquals(OcfStatus.SUCCESS, ticker.monitor(T).status());
        long pid = TestScripts.readPid(tmp.resolve("ticker.pid")).orElseThrow();

        TestScripts.kill(pid);
        await().atMost(Duration.ofSeconds(30)).until(() -> !TestScripts.isRunning(pid));
        AgentResult dead = ticker.monitor(T);
        assertEquals(OcfStatus.ERR_GENERIC, dead.status());
        assertTrue(dead.message().contains("pid file"), dead.message());

        assertEquals(OcfStatus.SUCCESS, ticker.stop(T).status());
        assertEquals(OcfStatus.NOT_RUNNING, ticker.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, ticker.stop(T).status(), "stop on a stopped service succeeds");
    }

    @Test
    void heartbeatScriptWhoseDaemonHoldsStdoutStillCompletesAndTheDaemonLives() {
        Path pidFile = tmp.resolve("worker.pid");
        HeartbeatScriptAgent worker = assertInstanceOf(HeartbeatScriptAgent.class,
                resolve("worker", List.of(pidFile.toString())));
        assertEquals(OcfStatus.NOT_RUNNING, worker.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, worker.start(T).status());
        OptionalLong pid = TestScripts.readPid(pidFile);
        assertTrue(pid.isPresent() && TestScripts.isRunning(pid.getAsLong()), "the daemon survives its start script");
        AgentResult running = worker.monitor(T);
        assertEquals(OcfStatus.SUCCESS, running.status());
        assertEquals("worker is running", running.message());
        assertEquals(OcfStatus.SUCCESS, worker.stop(T).status());
        await().atMost(Duration.ofSeconds(30)).until(() -> !TestScripts.isRunning(pid.getAsLong()));
        assertEquals(OcfStatus.NOT_RUNNING, worker.monitor(T).status());
    }
}
