package io.lifeline.cluster;

import java.util.Collection;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.VERIFY_SUSPECT2;

/**
 * JGroups' VERIFY_SUSPECT2 that only wakes up while someone is suspected.
 *
 * <p>VERIFY_SUSPECT2 (5.5) scans its suspect list at a fixed rate of its timeout from start to
 * stop, 15 wake-ups a second at keepalive 50 ms, nearly always to find the list empty. Here a
 * check is scheduled for when the first suspect's verification time is up (and then every
 * quarter timeout while suspects remain). That also makes the verification take its timeout
 * rather than timeout plus up to one scan period, which {@link TimerSettings} accounts for.
 */
public final class SuspectVerifier extends VERIFY_SUSPECT2 {

    /** Scheduling slack: the parent compares wall-clock milliseconds, the timer runs on nanoTime. */
    private static final long SLACK_MS = 1;

    private Future<?> pendingCheck; // guarded by this
    private volatile Consumer<Collection<Address>> onSuspect = mbrs -> { };

    /** Same protocol id as {@link VERIFY_SUSPECT2}: the same headers on the wire, and no id of our own to register. */
    public SuspectVerifier() {
        setId(ClassConfigurator.getProtocolId(VERIFY_SUSPECT2.class));
    }

    @Override
    public synchronized void start() {
        running = true; // no periodic scan (see the class comment)
    }

    @Override
    public synchronized void stop() {
        super.stop();
        if (pendingCheck != null) {
            pendingCheck.cancel(false);
            pendingCheck = null;
        }
    }

    /**
     * Told of the members this node's failure detector suspects, as verification begins (on a
     * JGroups thread: must not block): the daemon's agents may check ahead of a takeover then.
     */
    public SuspectVerifier onSuspect(Consumer<Collection<Address>> listener) {
        this.onSuspect = listener;
        return this;
    }

    @Override
    protected void verifySuspect(Collection<Address> mbrs) {
        super.verifySuspect(mbrs);
        if (mbrs != null && !mbrs.isEmpty()) {
            scheduleCheck(timeout + SLACK_MS);
            onSuspect.accept(mbrs);
        }
    }

    private synchronized void scheduleCheck(long delayMs) {
        if (running && (pendingCheck == null || pendingCheck.isDone())) {
            pendingCheck = timer.schedule(this::check, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        HeartbeatPriority.enterCurrentThread();
        synchronized (this) {
            pendingCheck = null;
        }
        run(); // the parent's scan: sends SUSPECT up for every suspect whose time is up
        boolean more;
        synchronized (this) {
            more = !suspects.isEmpty();
        }
        if (more) {
            scheduleCheck(Math.max(SLACK_MS, timeout / 4));
        }
    }
}
