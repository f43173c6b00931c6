package io.lifeline.manager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.lab.DaemonLab;
import io.lifeline.lab.DaemonNode;
import io.lifeline.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fencing on peer death with real daemons (ha.cf {@code fence_peers on}): n1 runs a VIP and is cut
 * off completely while its daemon keeps running (and keeps its VIP). n2 declares it dead and must
 * fence it before taking the VIP over. The test's fence agent reads the fence-agent options on
 * stdin, kills the daemon of the node named by {@code port=} (by the PID the test wrote for it),
 * removes its VIP, waits two seconds (so a takeover that did not wait would show) and exits 0;
 * while a switch file exists it fails instead, with a message on stderr.
 */
class FencingDaemonIT {

    private static final Duration FORM = Duration.ofSeconds(60);
    private static final Duration MOVE = Duration.ofSeconds(40);
    private static final String SECRET = "fencing-it-secret-0123";
    private static final String VIP = "198.51.100.110";
    private static final String GROUP = "IPaddr2::" + VIP + "/24/eth0";

    @RegisterExtension
    final DaemonLab lab = new DaemonLab("f", "it-fencing");

    private static String haCf(Path hook) {
        return DaemonLab.haCf("1s", "600ms") + """
                resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s
                fence_hook %s
                fence_peers on ipaddr=192.0.2.9
                fence_timeout 20s
                """.formatted(hook);
    }

    /** The lab's fence agent: fence-agent options on stdin, a log of what it did, a failure switch. */
    private static Path writeFenceAgent(Path dir) throws Exception {
        Path script = dir.resolve("fence_lab");
        Files.writeString(script, """
                #!/bin/sh
                D=%s
                node=""; action=""; ipaddr=""
                while IFS='=' read -r k v; do
                  case "$k" in port) node=$v ;; action) action=$v ;; ipaddr) ipaddr=$v ;; esac
                done
                echo "begin $action $node ipaddr=$ipaddr by $LIFELINE_NODE groups=$LIFELINE_GROUPS" >> "$D/fence.log"
                if [ -e "$D/fence-fails" ]; then
                  echo "failed $node" >> "$D/fence.log"
                  echo "fence device unreachable (lab switch file)" >&2
                  exit 1
                fi
                kill -9 "$(cat "$D/pid-$node")" || exit 2
                ip netns exec "$(cat "$D/ns-$node")" ip addr del %s/24 dev eth0 || true
                sleep 2
                echo "fenced $node" >> "$D/fence.log"
                exit 0
                """.formatted(dir, VIP));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static boolean hasVip(Lab.Host h) {
        return h.hasAddress("eth0", VIP);
    }

    private static String fenceLog(Path dir) throws Exception {
        Path log = dir.resolve("fence.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static JsonNode fenceOf(DaemonNode n, String peer) throws Exception {
        for (JsonNode f : n.status().path("fences")) {
            if (f.path("node").asText().equals(peer)) {
                return f;
            }
        }
        return null;
    }

    @Test
    void theTakeoverWaitsForTheFenceWhichIsRetriedUntilItSucceeds() throws Exception {
        lab.open("peer-death");
        Path fenceDir = Files.createDirectories(lab.work().resolve("fence"));
        Path hook = writeFenceAgent(fenceDir);
        Lab.Host h1 = lab.host("n1", "198.51.100.11");
        Lab.Host h2 = lab.host("n2", "198.51.100.12");
        List<DaemonNode> nodes = new ArrayList<>();
        for (Lab.Host h : List.of(h1, h2)) {
            nodes.add(lab.node(h).configure(haCf(hook), SECRET, "n1 " + GROUP + "\n").start());
            Files.writeString(fenceDir.resolve("ns-" + h.name()), h.namespace());
        }
        DaemonNode n1 = nodes.get(0);
        DaemonNode n2 = nodes.get(1);
        Files.writeString(fenceDir.resolve("pid-n1"), Long.toString(n1.pid()));
        Files.writeString(fenceDir.resolve("pid-n2"), Long.toString(n2.pid()));
        DaemonNode.awaitRunningOn(GROUP, "n1", FORM, n1, n2);
        assertTrue(hasVip(h1));

        // the fence device is unreachable at first
        Files.writeString(fenceDir.resolve("fence-fails"), "");
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicReference<String> early = new AtomicReference<>();
        AtomicReference<String> firstSeen = new AtomicReference<>();
        Thread watch = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofMinutes(3).toNanos(); // bounded
            while (watching.get() && System.nanoTime() < end) {
                if (hasVip(h2)) {
                    try {
                        String log = fenceLog(fenceDir);
                        firstSeen.compareAndSet(null, log);
                        if (!log.contains("fenced n1")) {
                            early.compareAndSet(null, "n2 held the VIP before the fence agent finished:\n" + log);
                        }
                    } catch (Exception e) {
                        early.compareAndSet(null, e.toString());
                    }
                }
            }
        }, "vip-watch");
        watch.setDaemon(true);
        watch.start();
        try {
            h1.isolate(); // n1's daemon runs on and keeps its VIP: only fencing makes n2's takeover safe

            await("the first fence fails and n2 says why").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode f = fenceOf(n2, "n1");
                        return f != null && f.path("state").asText().equals("failed");
                    });
            JsonNode failed = fenceOf(n2, "n1");
            assertEquals("exit code 1: fence device unreachable (lab switch file)", failed.path("last_error").asText());
            assertEquals(List.of(GROUP), List.of(failed.path("groups").get(0).asText()));
            assertTrue(n2.logText().contains("fencing n1 failed (attempt 1, exit code 1: fence device unreachable"
                    + " (lab switch file)): nothing of [" + GROUP + "] starts on n2; retrying in 5s"), n2.logText());
            await("the fence is retried").atMost(MOVE).pollInterval(Duration.ofMillis(200))
                    .until(() -> fenceOf(n2, "n1").path("attempts").asInt() >= 2
                            && fenceOf(n2, "n1").path("state").asText().equals("failed"));
            assertFalse(hasVip(h2), "nothing starts while the fence fails");
            assertTrue(hasVip(h1), "the cut-off n1 still holds its VIP");
            assertTrue(n1.alive());
            String status = n2.status().toString();
            assertTrue(status.contains("\"fences\""), status);

            // the device answers again: the next retry fences n1, then n2 takes the VIP over
            Files.delete(fenceDir.resolve("fence-fails"));
            DaemonNode.awaitRunningOn(GROUP, "n2", MOVE, n2);
            await("the VIP is on n2").atMost(MOVE).pollInterval(Duration.ofMillis(100)).until(() -> hasVip(h2));
        } finally {
            watching.set(false);
            watch.join(10_000);
        }
        assertNull(early.get(), early.get());
        String log = fenceLog(fenceDir);
        assertTrue(log.startsWith("begin reboot n1 ipaddr=192.0.2.9 by n2 groups=" + GROUP + "\nfailed n1\n"), log);
        assertTrue(log.contains("fenced n1"), log);
        assertEquals(log.lines().filter(l -> l.startsWith("begin")).count() - 1,
                log.lines().filter(l -> l.startsWith("failed")).count(), "one success, after the failures: " + log);
        await("n1's daemon was killed by the fence").atMost(MOVE).until(() -> !n1.alive());
        assertFalse(hasVip(h1), "the fence removed n1's VIP");
        assertEquals("done", fenceOf(n2, "n1").path("state").asText());
        assertTrue(n2.logText().contains("n1 is fenced (" + hook + " exited 0 after"), n2.logText());
    }
}
