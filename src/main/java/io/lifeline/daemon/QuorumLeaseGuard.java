package io.lifeline.daemon;

import io.lifeline.cluster.QuorumLease;
import io.lifeline.manager.ManagerInput.QuorumLeaseChanged;
import io.lifeline.thread.NamedThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum lease's timer (docs/leases.md, "Stopping before the lease ends"): it tells the
 * manager when this node's lease, less the manager's stop budget, runs out, and when a quorum's
 * confirmations renew it again. It decides nothing about groups: the manager treats a lease that
 * is not held as quorum lost and stops every group.
 *
 * <p>It wakes exactly when the lease less the budget would end (or sooner, at least every half
 * keepalive, since the budget grows when a group starts here) and then reads the lease afresh, so
 * a renewal that arrived meanwhile costs nothing. It runs at heartbeat priority, like the
 * failure detector whose timing the lease mirrors: a late timer is a late stop.
 */
final class QuorumLeaseGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QuorumLeaseGuard.class);

    /**
     * Confirmations ride on heartbeats, so between two renewals the quorum's newest one ages to
     * about two keepalives (this node's period and the peer's) plus the network; one more
     * keepalive covers ordinary jitter. A lease that leaves less than this beyond the stop budget
     * makes the node stop its groups without any fault (bench/outage, lease A/B, 2026-12-07).
     */
    static final int ORDINARY_AGE_KEEPALIVES = 3;

    private final LongFunction<QuorumLease> leaseAt;
    private final LongSupplier stopBudgetMs;
    private final Consumer<QuorumLeaseChanged> sink;
    private final LongSupplier nanoTime;
    private final long recheckNanos;
    private final long keepaliveMs;
    private final LongUnaryOperator deadtimeForLeaseMs;
    /** The stop budget last warned about as too large for the lease; 0: none yet. Timer thread only. */
    private long warnedBudgetMs;
    private final ScheduledExecutorService timer;
    /** What the manager was last told; null before the first word. Timer thread only. */
    private Boolean told;
    /**
     * When the manager was told "not held": the lease's end then, and the budget then. A lease
     * is held again only once a new confirmation moved its end, with room for that budget: the
     * budget falls to 0 once the groups are down, and a lease that merely outlived the stops must
     * not start them again.
     */
    private long lostEndNanos = QuorumLease.NONE;
    private long lostBudgetNanos;
    private boolean failureLogged;

    /**
     * @param leaseAt      the lease at a monotonic time (the cluster layer's; null: no lease, a pair)
     * @param stopBudgetMs the manager's stop budget; the guard caps it at half the lease
     * @param sink         the manager's input queue
     * @param keepaliveMs  ha.cf keepalive: the renewal is looked for every half of it
     * @param deadtimeForLeaseMs the shortest deadtime giving a lease this long (for the advice
     *                     when the budget leaves the lease too little room)
     * @param setup        runs first on the timer thread (the daemon raises its priority there)
     */
    QuorumLeaseGuard(LongFunction<QuorumLease> leaseAt, LongSupplier stopBudgetMs, Consumer<QuorumLeaseChanged> sink,
            LongSupplier nanoTime, long keepaliveMs, LongUnaryOperator deadtimeForLeaseMs, Runnable setup) {
        this.leaseAt = leaseAt;
        this.stopBudgetMs = stopBudgetMs;
        this.sink = sink;
        this.nanoTime = nanoTime;
        this.keepaliveMs = keepaliveMs;
        this.deadtimeForLeaseMs = deadtimeForLeaseMs;
        this.recheckNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, keepaliveMs / 2));
        NamedThreads threads = NamedThreads.heartbeat("quorum-lease");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> threads.newThread(() -> {
            setup.run();
            r.run();
        }));
    }

    /**
     * Tells the manager, before any membership reaches it, that no lease is held yet (so nothing
     * starts on a membership alone), then starts the timer. Does nothing for a pair.
     */
    void start() {
        if (announce()) {
            timer.execute(this::check);
        }
    }

    /** The first word, "not held yet", unless this is a pair (false: no lease, no timer). */
    boolean announce() {
        if (leaseAt.apply(nanoTime.getAsLong()) == null) {
            return false; // a pair: no quorum rule, no lease
        }
        told = Boolean.FALSE;
        sink.accept(new QuorumLeaseChanged(false, -1, "no quorum of the nodes has confirmed this node's heartbeats yet"));
        return true;
    }

    /**
     * The stop budget grew (any thread): look again now, and once more when the stops would have
     * to begin if that is sooner than a regular look's period. The regular chain goes on as it was.
     */
    void budgetRose() {
        try {
            timer.execute(() -> {
                long next = safeLook();
                if (next < recheckNanos) {
                    timer.schedule(this::safeLook, next, TimeUnit.NANOSECONDS);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** A look that survives its own failure (logged once): the timer must keep looking. */
    private long safeLook() {
        try {
            return look(nanoTime.getAsLong());
        } catch (RuntimeException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.error("the quorum lease timer failed (it looks again every {} ms): {}",
                        TimeUnit.NANOSECONDS.toMillis(recheckNanos), e.toString(), e);
            }
            return recheckNanos;
        }
    }

    /** One look at the lease (timer thread); schedules the next. */
    void check() {
        long next = safeLook();
        if (!timer.isShutdown()) {
            try {
                timer.schedule(this::check, next, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    /** Compares the lease with what the manager was told; returns the delay to the next look, in ns. */
    long look(long now) {
        QuorumLease lease = leaseAt.apply(now);
        if (lease == null) {
            return recheckNanos;
        }
        long budgetMs = Math.max(0, stopBudgetMs.getAsLong());
        warnIfTooLittleRoom(TimeUnit.NANOSECONDS.toMillis(lease.lengthNanos()), budgetMs);
        long budget = Math.min(TimeUnit.MILLISECONDS.toNanos(budgetMs), lease.lengthNanos() / 2);
        boolean ever = lease.endNanos() != QuorumLease.NONE;
        long room = ever ? lease.endNanos() - budget - now : -1; // time left before the stops must begin
        boolean held = room > 0;
        if (told == null || held != told) {
            if (!held) {
                told = false;
                lostEndNanos = lease.endNanos();
                lostBudgetNanos = budget;
                sink.accept(new QuorumLeaseChanged(false, ever ? TimeUnit.NANOSECONDS.toMillis(lease.endNanos()) : -1,
                        describe(lease, now, budget, false)));
            } else if (renewedSinceLost(lease, now, budget)) {
                told = true;
                sink.accept(new QuorumLeaseChanged(true, TimeUnit.NANOSECONDS.toMillis(lease.endNanos()),
                        describe(lease, now, budget, true)));
            }
        }
        return held ? Math.max(1, Math.min(room, recheckNanos)) : recheckNanos;
    }

    /**
     * Held again: a confirmation newer than the lease that was lost, and room to spare beyond the
     * larger of the budgets then and now (so a lease that is renewed just in time does not flap).
     */
    private boolean renewedSinceLost(QuorumLease lease, long now, long budget) {
        boolean renewed = lostEndNanos == QuorumLease.NONE || lease.endNanos() - lostEndNanos > 0;
        return renewed && lease.endNanos() - Math.max(budget, lostBudgetNanos) - now > recheckNanos;
    }

    /**
     * Says once (and again only when the budget grew by half) that the stop budget leaves the
     * lease too little room for ordinary heartbeat jitter, with the deadtime that would.
     */
    private void warnIfTooLittleRoom(long leaseMs, long budgetMs) {
        if (budgetMs > warnedBudgetMs + warnedBudgetMs / 2) {
            String advice = tooLittleRoom(leaseMs, budgetMs);
            if (advice != null) {
                warnedBudgetMs = budgetMs;
                LOG.warn("quorum lease: {}", advice);
            }
        }
    }

    /** The advice when the budget leaves the lease less than the ordinary age of a confirmation; null: enough room. */
    String tooLittleRoom(long leaseMs, long budgetMs) {
        long ordinary = ORDINARY_AGE_KEEPALIVES * keepaliveMs;
        if (budgetMs + ordinary <= leaseMs) {
            return null;
        }
        return "stopping here takes up to " + budgetMs + " ms (from this node's stops and starts), and at keepalive " + keepaliveMs
                + " ms a quorum's confirmation of this node's heartbeats is normally up to " + 2 * keepaliveMs
                + " ms old, more under load: the lease of " + leaseMs + " ms leaves less than " + ordinary
                + " ms for that, so ordinary heartbeat jitter can make this node stop its groups. A deadtime of at least "
                + deadtimeForLeaseMs.applyAsLong(budgetMs + ordinary) + " ms would leave room (or faster stops, or "
                + "quorum_lease off with fencing; docs/leases.md, \"What it costs\")";
    }

    private String describe(QuorumLease lease, long now, long budget, boolean held) {
        long budgetMs = TimeUnit.NANOSECONDS.toMillis(budget);
        if (lease.endNanos() == QuorumLease.NONE) {
            return "no quorum of the nodes has confirmed this node's heartbeats";
        }
        long leftMs = TimeUnit.NANOSECONDS.toMillis(lease.endNanos() - now);
        long ageMs = TimeUnit.NANOSECONDS.toMillis(now - (lease.endNanos() - lease.lengthNanos()));
        if (held) {
            return "confirmed by " + String.join(", ", lease.confirmedBy()) + " (" + leftMs + " ms of "
                    + TimeUnit.NANOSECONDS.toMillis(lease.lengthNanos()) + " left)";
        }
        String young = ageMs < ORDINARY_AGE_KEEPALIVES * keepaliveMs
                ? " (younger than three keepalives: with this stop budget ordinary heartbeat jitter alone"
                        + " can end the lease; see the warning about the budget)"
                : "";
        return "a quorum's newest confirmation of this node's heartbeats is " + ageMs + " ms old; the lease of "
                + TimeUnit.NANOSECONDS.toMillis(lease.lengthNanos()) + " ms "
                + (leftMs > 0 ? "ends in " + leftMs + " ms" : "ended " + -leftMs + " ms ago")
                + " and stopping takes up to " + budgetMs + " ms here" + young;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
