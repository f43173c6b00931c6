package io.lifeline.thread;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic task that survives its own failures. {@code scheduleWithFixedDelay} silently stops
 * a task for good the first time it throws (the exception waits in a future nobody reads): for
 * the membership tick that would end initdead and late-heartbeat reporting, for the ping
 * monitor the connectivity score, with nothing in the log. Here a failure, an Error included, is
 * logged (its stack trace once, then a line at most every 10 s with a count) and the next run
 * happens on time.
 */
public final class Repeating {

    private static final Logger LOG = LoggerFactory.getLogger(Repeating.class);
    /** Repeated failures are logged at most this often, with a count of the others. */
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Repeating() {
    }

    /**
     * Runs {@code task} every {@code delay} after the end of its previous run, starting after
     * {@code initialDelay}, until the executor is shut down. {@code what} names the task in the log.
     */
    public static void withFixedDelay(ScheduledExecutorService executor, String what, long initialDelay,
            long delay, TimeUnit unit, Runnable task) {
        AtomicBoolean traced = new AtomicBoolean();
        AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
        AtomicLong unlogged = new AtomicLong();
        // the future would only ever hold the executor's shutdown: failures are handled here
        Future<?> unused = executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (Throwable e) { // an Error too: in the future nobody reads it would end the task silently
                if (traced.compareAndSet(false, true)) {
                    lastLogged.set(System.nanoTime());
                    LOG.error("{} failed (it runs again on schedule): {}", what, e.toString(), e);
                } else if (System.nanoTime() - lastLogged.get() >= LOG_EVERY_NANOS) {
                    lastLogged.set(System.nanoTime());
                    LOG.error("{} failed again (it runs again on schedule; {} more failures since the last line): {}",
                            what, unlogged.getAndSet(0), e.toString());
                } else {
                    unlogged.incrementAndGet(); // a failure every tick would flood the log
                }
            }
        }, initialDelay, delay, unit);
    }
}
