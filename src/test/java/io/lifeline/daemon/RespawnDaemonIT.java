package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.os.UserAccounts;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real daemon ({@code java -jar lifeline.jar daemon}) with a {@code respawn} line: the program
 * runs as the named account with the {@code env} lines, is started again after kill -9, and is
 * gone, with what it forked, once the daemon has stopped.
 */
class RespawnDaemonIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private Lab lab;
    private Path shared;
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        if (lab != null) {
            lab.close();
        }
        // only if the daemon failed to stop them: the processes this test saw, by PID
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        if (shared != null) {
            try (var files = Files.walk(shared)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private List<String> lines(String file) {
        try {
            Path p = shared.resolve(file);
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Optional<JsonNode> child(DaemonNode n) {
        return n.tryStatus().map(s -> s.path("respawn").path(0)).filter(c -> !c.isMissingNode());
    }

    private static long runningPid(DaemonNode n) {
        return child(n).filter(c -> c.path("state").asText().equals("running") && c.path("pid").isNumber())
                .map(c -> c.path("pid").asLong()).orElse(-1L);
    }

    private static String procStatusField(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith(field + ":")).findFirst().orElseThrow()
                .substring(field.length() + 1).strip().split("\\s+")[0];
    }

    /** A one-node daemon whose ha.cf runs {@code watcher} as nobody; returns once it runs. */
    private DaemonNode startDaemonWithWatcher(String test) throws Exception {
        lab = Lab.create("r");
        lab.addBridge("br0");
        Lab.Host h1 = lab.addHost("n1").connect("br0", "eth0", "198.51.100.11/24");
        // a directory the program's account can use: the work tree may not be reachable for nobody
        shared = Files.createTempDirectory("ll-respawn-it");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path program = shared.resolve("watcher");
        Files.writeString(program, "#!/bin/sh\n"
                + "D=" + shared + "\n"
                + "sleep 300 &\n"
                + "echo $! >> $D/helpers\n"
                + "echo \"$$ $GREETING $HA_GREETING\" >> $D/runs\n"
                + "echo \"watcher $$ up\"\n"
                + "exec sleep 300\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

        String cf = """
                keepalive 200ms
                deadtime 1s
                warntime 600ms
                initdead 3s
                udpport 694
                bcast eth0
                realtime on
                node n1
                env GREETING=hello
                respawn nobody %s
                """.formatted(program);
        DaemonNode n1 = new DaemonNode(h1, "n1", DaemonNode.freshWorkDir("it-respawn", test))
                .configure(cf, "respawn-it-secret-0123", "").start();
        await("respawn program running").atMost(WAIT).until(() -> runningPid(n1) > 0 && lines("runs").size() == 1);
        pids.add(runningPid(n1));
        lines("helpers").forEach(h -> pids.add(Long.parseLong(h)));
        return n1;
    }

    @Test
    void aRespawnProgramRunsAsItsUserIsRestartedAfterKill9AndStopsWithTheDaemon() throws Exception {
        DaemonNode n1 = startDaemonWithWatcher("kill9");
        long first = runningPid(n1);
        assertEquals(first + " hello hello", lines("runs").get(0), "PID, env GREETING and Heartbeat's HA_GREETING");
        int nobody = UserAccounts.byName("nobody").orElseThrow().uid();
        assertEquals(String.valueOf(nobody), procStatusField(first, "Uid"), "runs as nobody");
        String stat = Files.readString(Path.of("/proc", Long.toString(first), "stat"));
        assertEquals("0", stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16],
                "nice 0, not the daemon's raised priority");
        JsonNode c = child(n1).orElseThrow();
        assertEquals("watcher", c.path("name").asText());
        assertEquals("nobody", c.path("user").asText());
        assertEquals(1, c.path("starts").asInt());
        await("output logged under the program's name").atMost(WAIT)
                .until(() -> n1.logText().contains("watcher: watcher " + first + " up"));

        ProcessHandle.of(first).orElseThrow().destroyForcibly(); // kill -9
        await("respawned after kill -9").atMost(WAIT).until(() -> {
            long pid = runningPid(n1);
            return pid > 0 && pid != first;
        });
        long second = runningPid(n1);
        pids.add(second);
        lines("helpers").forEach(h -> pids.add(Long.parseLong(h)));
        JsonNode again = child(n1).orElseThrow();
        assertEquals(2, again.path("starts").asInt());
        assertEquals("exited with status 137 (killed by signal 9)", again.path("last_exit").asText());
        // the daemon reports the new PID as soon as it forked; the program writes its line after
        await("the respawned program's first line").atMost(WAIT).until(() -> lines("runs").size() == 2);
        assertTrue(n1.logText().contains("watcher: exited with status 137 (killed by signal 9) after"));

        n1.terminate();
        assertFalse(n1.alive());
        for (long pid : pids) {
            assertFalse(RespawnedChildrenTest.alive(pid), "process " + pid + " outlived the daemon");
        }
        assertTrue(n1.logText().contains("respawn programs stopped"), "clean stop logged");
        assertEquals(2, lines("runs").size(), "not started again during the stop");
    }

    @Test
    void aDaemonKilledWithSignal9TakesItsProgramAlong() throws Exception {
        DaemonNode n1 = startDaemonWithWatcher("daemon-kill9");
        long program = runningPid(n1);
        n1.kill9();
        // setpriv --pdeathsig: the program gets SIGTERM when the thread that started it dies, so a
        // restarted daemon does not run a second copy next to it (under systemd, KillMode=mixed
        // also cleans up the cgroup; here there is no systemd)
        await("program gone with the daemon").atMost(WAIT).until(() -> !RespawnedChildrenTest.alive(program));
    }
}
