package io.lifeline.thread;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic task that survives its own failures. {@code scheduleWithFixedDelay} silently stops
 * a task for good the first time it throws (the exception waits in a future nobody reads): for
 * the membership tick that would end initdead and late-heartbeat reporting, for the ping
 * monitor the connectivity score, with nothing in the log. Here a failure is logged (its stack
 * trace once, then one line per failure) and the next run happens on time.
 */
public final class Repeating {

    private static final Logger LOG = LoggerFactory.getLogger(Repeating.class);

    private Repeating() {
    }

    /**
     * Runs {@code task} every {@code delay} after the end of its previous run, starting after
     * {@code initialDelay}, until the executor is shut down. {@code what} names the task in the log.
     */
    public static void withFixedDelay(ScheduledExecutorService executor, String what, long initialDelay,
            long delay, TimeUnit unit, Runnable task) {
        AtomicBoolean traced = new AtomicBoolean();
        // the future would only ever hold the executor's shutdown: failures are handled here
        Future<?> unused = executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (traced.compareAndSet(false, true)) {
                    LOG.error("{} failed (it runs again on schedule): {}", what, e.toString(), e);
                } else {
                    LOG.error("{} failed again (it runs again on schedule): {}", what, e.toString());
                }
            }
        }, initialDelay, delay, unit);
    }
}
