package io.lifeline.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChildPriorityTest {

    /** Field 19 of /proc/PID/stat, counted after the command name's closing parenthesis. */
    private static int niceOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(fields[16]);
    }

    private static int[] childAndThreadNice(int threadNice) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                assumeTrue(ChildPriority.setThreadNice(threadNice), "needs CAP_SYS_NICE (root)");
                Process p = ChildPriority.start(new ProcessBuilder("/bin/cat", "/proc/self/stat"));
                String stat = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                p.waitFor(10, TimeUnit.SECONDS);
                return new int[] {niceOf(stat), ChildPriority.threadNice()};
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "child-priority-test").start()).get(20, TimeUnit.SECONDS);
    }

    @Test
    void aChildOfARaisedThreadRunsAtNiceZeroAndTheThreadKeepsItsPriority() throws Exception {
        int[] nice = childAndThreadNice(-7);
        assertEquals(0, nice[0], "child's nice");
        assertEquals(-7, nice[1], "the thread is back at its own priority");
    }

    @Test
    void aThreadThatIsNicerThanNormalPassesItsNiceValueOn() throws Exception {
        int[] nice = childAndThreadNice(5);
        assertEquals(5, nice[0], "an admin's nice value is kept");
        assertEquals(5, nice[1]);
    }
}
