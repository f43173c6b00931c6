package io.lifeline.agent.ip;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The latest duplicate-address probe run ahead of a takeover (see {@link io.lifeline.agent.ProbesAhead}):
 * one at a time; a clean one is usable once, until its validity after it ended has passed; a start
 * waits for one still running (the newest check is the one that counts).
 */
final class ProbeAhead {

    private final LongSupplier nanoClock;
    private Attempt latest; // guarded by this

    /** @param endedNanos completes with the end time of a clean check, or -1 (someone answered, or no check ran) */
    private record Attempt(CompletableFuture<Long> endedNanos, long validForNanos) {
    }

    ProbeAhead(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Runs {@code check} (true: nobody answered) on the calling thread, unless one is running;
     * returns whether it ran.
     */
    boolean run(BooleanSupplier check, Duration validFor) {
        Attempt a = new Attempt(new CompletableFuture<>(), validFor.toNanos());
        synchronized (this) {
            if (latest != null && !latest.endedNanos().isDone()) {
                return false;
            }
            latest = a;
        }
        boolean clean = false;
        try {
            clean = check.getAsBoolean();
        } finally {
            a.endedNanos().complete(clean ? nanoClock.getAsLong() : -1L);
        }
        return true;
    }

    /**
     * How long ago a clean check ended, if one is still valid, waiting up to {@code maxWait} for one
     * that is running; empty otherwise. Takes it: each check vouches for one start.
     */
    OptionalLong take(Duration maxWait) {
        Attempt a;
        synchronized (this) {
            a = latest;
            latest = null;
        }
        if (a == null) {
            return OptionalLong.empty();
        }
        long ended;
        try {
            ended = a.endedNanos().get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
        long age = nanoClock.getAsLong() - ended;
        return ended >= 0 && age <= a.validForNanos() ? OptionalLong.of(age / 1_000_000L) : OptionalLong.empty();
    }

    /** Forgets any result (the address was stopped or started here). */
    synchronized void forget() {
        latest = null;
    }
}
