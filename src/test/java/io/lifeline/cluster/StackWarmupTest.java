package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The link warm-up runs JGroups' configuration code over throwaway protocols: it must leave
 * nothing behind that a real stack would own (a thread, a socket), or a daemon would carry a
 * second, unconnected transport for its whole life.
 */
class StackWarmupTest {

    @Test
    void warmingStartsNoThreadAndOpensNoSocket() throws Exception {
        // the JCE's first set-up opens a descriptor of its own, once per JVM (the real link start
        // does the same): not the warm-up's to answer for
        javax.crypto.Mac.getInstance("HmacSHA256");
        Set<String> threadsBefore = liveThreads();
        long socketsBefore = openSockets();

        StackWarmup.warm();

        Set<String> started = liveThreads();
        started.removeAll(threadsBefore);
        assertEquals(Set.of(), started, "threads the warm-up left running");
        assertEquals(socketsBefore, openSockets(), "sockets the warm-up left open");
    }

    @Test
    void aLinkStartWaitsForTheWarmUpAndThenFindsItDone() {
        StackWarmup.begin();
        StackWarmup.begin(); // a second call starts nothing
        long t0 = System.nanoTime();
        StackWarmup.awaitReady();
        assertTrue((System.nanoTime() - t0) / 1_000_000 <= StackWarmup.WAIT_LIMIT_MS + 500,
                "the wait is bounded");
        assertTrue(StackWarmup.isDone(), "the wait returns once the warm-up is done");
    }

    /**
     * The live threads, without those the JDK and the test runner start on demand (an earlier
     * test's process reaper, the common pool): one of them starting during the warm-up is not
     * the warm-up's doing.
     */
    private static Set<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith("process reaper") && !t.getName().startsWith("ForkJoinPool")
                        && !t.getName().startsWith("surefire") && !t.getName().equals("Attach Listener"))
                .map(t -> t.getName() + "#" + t.getId()).collect(Collectors.toSet());
    }

    /** This JVM's open sockets, from its file descriptors. */
    private static long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed while listed (the listing's own descriptor)
                }
            }).count();
        }
    }
}
