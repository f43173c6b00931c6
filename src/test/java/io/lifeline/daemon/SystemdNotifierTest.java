package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SystemdNotifierTest {

    /** The messages a notifier sent, in order. */
    static final class Recorder implements SystemdNotifier.Sender {
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public void send(String message) {
            sent.add(message);
        }

        @Override
        public void close() {
        }

        long pings() {
            return sent.stream().filter("WATCHDOG=1"::equals).count();
        }
    }

    @Test
    void readySetsTheWatchdogTimeoutFromTheTimersAndThePingsFollow() {
        Recorder r = new Recorder();
        try (SystemdNotifier n = new SystemdNotifier(r, Duration.ofMillis(400))) {
            n.ready("node n1: links up");
            assertEquals("WATCHDOG_USEC=400000\nREADY=1\nSTATUS=node n1: links up", r.sent.get(0));
            await().atMost(Duration.ofSeconds(10)).until(() -> r.pings() >= 3);
            n.stopping("node n1: releasing every group");
            assertTrue(r.sent.contains("STOPPING=1\nSTATUS=node n1: releasing every group"));
        }
        long after = r.pings();
        assertEquals(after, r.pings(), "no ping after close");
    }

    @Test
    void withoutAWatchdogOnlyReadinessIsSent() {
        Recorder r = new Recorder();
        try (SystemdNotifier n = new SystemdNotifier(r, null)) {
            n.ready("up");
            assertEquals(List.of("READY=1\nSTATUS=up"), r.sent);
        }
    }

    @Test
    void thePingsComeFourTimesPerTimeout() {
        assertEquals(125, SystemdNotifier.pingEveryMillis(Duration.ofMillis(500)));
        assertEquals(10, SystemdNotifier.pingEveryMillis(Duration.ofMillis(20)));
    }

    @Test
    void notStartedBySystemdNothingIsSentAndNothingFails() {
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(Map.of(), 42, Duration.ofMillis(500))) {
            n.ready("up");
            n.stopping("down");
            assertEquals(false, n.watchdogArmed());
        }
    }

    @Test
    void aWatchdogMeantForAnotherProcessIsNotFed() {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", "@ll-notify-nobody", "WATCHDOG_USEC", "30000000",
                "WATCHDOG_PID", "7");
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(env, 42, Duration.ofMillis(500))) {
            assertEquals(false, n.watchdogArmed());
        }
        Map<String, String> ours = Map.of("NOTIFY_SOCKET", "@ll-notify-nobody", "WATCHDOG_USEC", "30000000",
                "WATCHDOG_PID", "42");
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(ours, 42, Duration.ofMillis(500))) {
            assertEquals(true, n.watchdogArmed());
            n.ready("up"); // nobody listens: logged once, never thrown
        }
    }
}
