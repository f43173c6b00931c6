package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatPriorityTest {

    /** {policy, rt_priority} from a /proc stat line (fields 41 and 40). */
    private static int[] scheduling(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new int[] {Integer.parseInt(f[41 - 3]), Integer.parseInt(f[40 - 3])};
    }

    /** Enters on a fresh thread; returns {thread policy, thread priority, child policy, child priority}. */
    private static int[] enterOnNewThread() throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                HeartbeatPriority.enterCurrentThread();
                HeartbeatPriority.enterCurrentThread(); // a second call changes nothing
                int[] self = scheduling(Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII));
                Process p = new ProcessBuilder("/bin/cat", "/proc/self/stat").start();
                int[] child = scheduling(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                p.waitFor(10, TimeUnit.SECONDS);
                return new int[] {self[0], self[1], child[0], child[1]};
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "hb-priority-test").start()).get(20, TimeUnit.SECONDS);
    }

    private static boolean root() {
        return "root".equals(ProcessHandle.current().info().user().orElse(""));
    }

    @AfterEach
    void off() {
        HeartbeatPriority.disable();
    }

    @Test
    void anEnabledHeartbeatThreadRunsRoundRobinAndItsChildrenDoNot() throws Exception {
        assumeTrue(root(), "SCHED_RR needs CAP_SYS_NICE");
        HeartbeatPriority.enable(3);
        int before = HeartbeatPriority.promotedThreads();
        int[] s = enterOnNewThread();
        assertEquals(2, s[0], "SCHED_RR");
        assertEquals(3, s[1], "rtprio");
        assertEquals(0, s[2], "the child is back to SCHED_OTHER (SCHED_RESET_ON_FORK)");
        assertEquals(0, s[3]);
        assertEquals(before + 1, HeartbeatPriority.promotedThreads());
    }

    @Test
    void withoutEnableNothingChanges() throws Exception {
        int[] s = enterOnNewThread();
        assertEquals(0, s[0], "SCHED_OTHER");
        assertEquals(0, s[1]);
    }

    @Test
    void rtprioOutsideLinuxsRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HeartbeatPriority.enable(0));
        assertThrows(IllegalArgumentException.class, () -> HeartbeatPriority.enable(100));
    }
}
