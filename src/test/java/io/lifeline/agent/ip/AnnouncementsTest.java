package io.lifeline.agent.ip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.net.ArpMode;
import io.lifeline.os.Errno;
import io.lifeline.net.MacAddress;
import io.lifeline.net.NetException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Burst, refresh and cancellation timing logic, with a recording sender instead of a packet socket. */
class AnnouncementsTest {
    private ScheduledExecutorService scheduler;
    private final List<ArpMode> sent = new CopyOnWriteArrayList<>();
    private Announcements announcements;
    private Announcements.Target target;

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        announcements = new Announcements(scheduler, (t, mode) -> sent.add(mode));
        target = new Announcements.Target(3, "eth0", MacAddress.parse("02:00:00:00:00:01"),
                InetAddress.getByName("198.51.100.100"));
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    @Test
    void firstRoundIsSentBeforeBurstReturnsAndTheRestFollow() throws Exception {
        announcements.burst(target, 4, Duration.ofMillis(20), ArpMode.REPLY);
        assertTrue(sent.size() >= 1, "first round synchronously");
        assertTrue(announcements.awaitBurst(Duration.ofSeconds(10)));
        assertEquals(List.of(ArpMode.REPLY, ArpMode.REPLY, ArpMode.REPLY, ArpMode.REPLY), sent);
    }

    /**
     * Regression: a re-announcement that found the address just before a stop deleted it started
     * a fresh burst after the stop's cancel, announcing an address a peer may hold by now.
     */
    @Test
    void aBurstAskedForBeforeAStopIsNotSentAfterIt() throws Exception {
        int seen = announcements.generation();
        announcements.cancel(); // the stop
        assertFalse(announcements.burstUnlessCancelledSince(seen, target, 5, Duration.ofMillis(20), ArpMode.BOTH));
        assertEquals(List.of(), sent);
        assertTrue(announcements.burstUnlessCancelledSince(announcements.generation(), target, 1, Duration.ofMillis(20),
                ArpMode.BOTH), "a burst asked for after the stop is sent");
        assertEquals(List.of(ArpMode.BOTH), sent);
    }

    @Test
    void cancelStopsTheBurstInProgress() throws Exception {
        announcements.burst(target, 50, Duration.ofMillis(200), ArpMode.BOTH);
        announcements.cancel();
        assertTrue(announcements.awaitBurst(Duration.ofSeconds(1)), "a cancelled burst counts as finished");
        int afterCancel = sent.size();
        // three intervals later still nothing new
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> sent.size() == afterCancel);
        assertEquals(1, afterCancel);
    }

    @Test
    void aNewBurstReplacesTheRunningOne() throws Exception {
        announcements.burst(target, 50, Duration.ofMillis(100), ArpMode.REQUEST);
        announcements.burst(target, 2, Duration.ofMillis(10), ArpMode.REPLY);
        assertTrue(announcements.awaitBurst(Duration.ofSeconds(10)));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> sent.equals(List.of(ArpMode.REQUEST, ArpMode.REPLY, ArpMode.REPLY)));
    }

    @Test
    void refreshSendsOnlyWhileTheAddressIsHeldAndStopsOnCancel() {
        AtomicBoolean held = new AtomicBoolean(true);
        announcements.startRefresh(target, Duration.ofMillis(20), ArpMode.REQUEST, held::get);
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() >= 3);
        held.set(false);
        int whenReleased = sent.size();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> sent.size() <= whenReleased + 1); // at most one round already under way
        announcements.cancel();
        held.set(true);
        int whenCancelled = sent.size();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> sent.size() == whenCancelled);
    }

    @Test
    void zeroCountSendsNothingAndFirstRoundErrorsAreThrown() throws Exception {
        announcements.burst(target, 0, Duration.ofMillis(10), ArpMode.BOTH);
        assertEquals(0, sent.size());
        Announcements failing = new Announcements(scheduler, (t, mode) -> {
            throw new NetException(Errno.EPERM, "cannot open packet socket: operation not permitted (EPERM)");
        });
        NetException e = assertThrows(NetException.class,
                () -> failing.burst(target, 3, Duration.ofMillis(10), ArpMode.BOTH));
        assertTrue(e.isPermissionDenied());
    }
}
