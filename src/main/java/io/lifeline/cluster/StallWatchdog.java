package io.lifeline.cluster;

import io.lifeline.thread.NamedThreads;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects that this JVM was frozen (GC pause, VM or host stall, SIGSTOP): a thread sleeps
 * a period ({@link StallBound}) and measures how long it really slept. Peers may declare a frozen node
 * dead, and the frozen node does not learn it until the next merge, so the manager must know.
 */
public final class StallWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StallWatchdog.class);

    private final long periodMs;
    private final long reportAboveMs;
    private final long warnAboveMs;
    private final LongConsumer onStall;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param periodMs      how long the watchdog sleeps between two measurements
     * @param reportAboveMs gaps beyond the normal period longer than this are reported
     * @param warnAboveMs   gaps this long are logged as warnings (e.g. half of deadtime)
     * @param onStall       receives the gap in ms; must not block
     */
    public StallWatchdog(long periodMs, long reportAboveMs, long warnAboveMs, LongConsumer onStall) {
        this.periodMs = periodMs;
        this.reportAboveMs = reportAboveMs;
        this.warnAboveMs = warnAboveMs;
        this.onStall = onStall;
        this.thread = NamedThreads.heartbeat("stall").newThread(this::run);
    }

    public StallWatchdog start() {
        thread.start();
        return this;
    }

    private void run() {
        HeartbeatPriority.enterCurrentThread();
        long last = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long gap = (now - last) / 1_000_000 - periodMs;
            last = now;
            if (gap > reportAboveMs) {
                if (gap >= warnAboveMs) {
                    LOG.warn("this node was frozen for {} ms (peers declare a node dead after about deadtime;"
                            + " they may have taken over its resources)", gap);
                } else {
                    LOG.info("this node was frozen for {} ms", gap);
                }
                onStall.accept(gap);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
