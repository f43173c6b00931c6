package io.lifeline.agent.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProbeAheadTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ProbeAhead ahead = new ProbeAhead(nanos::get);

    private static final Duration VALID = Duration.ofMillis(250);

    @Test
    void aCleanProbeIsUsableOnceWithinItsValidity() {
        assertTrue(ahead.run(() -> true, VALID));
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
        assertEquals(OptionalLong.of(60), ahead.take(Duration.ZERO));
        assertEquals(OptionalLong.empty(), ahead.take(Duration.ZERO), "a probe vouches for one start");
    }

    @Test
    void aProbeTooOldOrAnsweredIsNotUsable() {
        ahead.run(() -> true, VALID);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(251));
        assertEquals(OptionalLong.empty(), ahead.take(Duration.ZERO));
        ahead.run(() -> false, VALID);
        assertEquals(OptionalLong.empty(), ahead.take(Duration.ZERO), "someone answered");
        assertEquals(OptionalLong.empty(), ahead.take(Duration.ZERO), "none ran");
    }

    @Test
    void aProbeFailingWithAnExceptionIsNotUsable() {
        try {
            ahead.run(() -> {
                throw new IllegalStateException("netlink");
            }, VALID);
        } catch (IllegalStateException expected) {
            // the caller's problem; the result is not clean
        }
        assertEquals(OptionalLong.empty(), ahead.take(Duration.ZERO));
    }

    @Test
    void forgetDropsTheResult() {
        ahead.run(() -> true, VALID);
        ahead.forget();
        assertEquals(OptionalLong.empty(), ahead.take(Duration.ZERO));
    }

    @Test
    void aStartWaitsForAProbeStillRunningAndOneRunsAtATime() throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> ahead.run(() -> {
            inProbe.countDown();
            return cleanWhenReleased(finish);
        }, VALID));
        assertTrue(inProbe.await(5, TimeUnit.SECONDS));
        assertFalse(ahead.run(() -> true, VALID), "one probe at a time");
        CompletableFuture<OptionalLong> taken = CompletableFuture.supplyAsync(() -> ahead.take(Duration.ofSeconds(5)));
        finish.countDown();
        assertEquals(OptionalLong.of(0), taken.get(5, TimeUnit.SECONDS));
        assertTrue(first.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aStartDoesNotWaitLongerThanItMay() {
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture.runAsync(() -> ahead.run(() -> cleanWhenReleased(finish), VALID));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !ahead.run(() -> true, VALID));
        assertEquals(OptionalLong.empty(), ahead.take(Duration.ofMillis(10)));
        finish.countDown();
    }

    /** A probe that ends, clean, when {@code release} opens (not clean if it never does). */
    private static boolean cleanWhenReleased(CountDownLatch release) {
        try {
            return release.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
