package io.lifeline.manager;

import static io.lifeline.manager.ManagerContext.fmt;

import io.lifeline.manager.ManagerAction.RunPeerFence;
import io.lifeline.manager.ManagerEvent.Level;
import io.lifeline.manager.ManagerInput.FenceCompleted;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Fencing on peer death (ha.cf {@code fence_peers on}, docs/split-brain.md): a peer that leaves
 * the membership while it may hold or claim groups owes one fence, run by the node about to take
 * any of them over before its claim may be confirmed; a failed fence is retried, a returning peer
 * cancels it. The {@link FencingLedger} keeps the debts; this part turns them into
 * {@link RunPeerFence} actions, events and the status.
 */
final class PeerFencing {

    private final ManagerContext ctx;
    private final String me;
    private final FencingLedger fencing = new FencingLedger();

    PeerFencing(ManagerContext ctx) {
        this.ctx = ctx;
        this.me = ctx.me;
    }

    /** What a peer's report says about each group (members or not, like the releases). */
    void onReport(String peer, Collection<String> groups, StateReport r) {
        for (String g : groups) {
            fencing.onReport(peer, g, r.phase(g));
        }
    }

    /** A peer left the membership: with fence_peers on, it owes a fence if it held or claimed anything. */
    void onNodeLeft(String n) {
        Duration delay = ctx.cfg().settings().fencing().delayFor(n);
        FencingLedger.Debt debt = ctx.cfg().settings().fencesPeers()
                ? fencing.onLeft(n, ctx.nowMs(), ctx.now().wall(), delay.toMillis()) : null;
        if (debt != null) {
            ctx.event(Level.WARN, EventKind.FENCING, null, n + " left while it held or claimed " + debt.groups
                    + ": it is fenced before any of them starts on " + me + " (fence_peers on"
                    + (delay.isZero() ? ")" : "; not before " + fmt(delay) + " from now, fence_delay)"));
        }
    }

    /** A peer is back: the fence it still owed is cancelled; placement over the merged membership decides. */
    void onNodeJoined(String n) {
        FencingLedger.Debt cancelled = fencing.onJoined(n);
        if (cancelled != null && cancelled.state != FencingLedger.State.DONE) {
            ctx.event(Level.WARN, EventKind.FENCING, null, n + " is back: its pending fence ("
                    + cancelled.state.name().toLowerCase(Locale.ROOT) + ", " + cancelled.attempts
                    + " attempt" + (cancelled.attempts == 1 ? "" : "s") + ") is cancelled; placement over the "
                    + "merged membership decides " + cancelled.groups);
        }
    }

    /** A fence whose result is overdue counts as failed (and is retried). */
    void checkOverdue() {
        for (FencingLedger.Debt d : fencing.overdue(ctx.nowMs(), timeoutMs(), ResourceManager.RESULT_GRACE_MS)) {
            onFenceCompleted(new FenceCompleted(d.fenceId, false, -1, "no result within "
                    + fmt(Duration.ofMillis(timeoutMs() + ResourceManager.RESULT_GRACE_MS)), ctx.nowMs() - d.issuedAtMs));
        }
    }

    /** The times at which a fence falls due, is retried or is overdue. */
    void offerDeadlines(LongConsumer at) {
        fencing.deadlines(at, timeoutMs(), ResourceManager.RESULT_GRACE_MS);
    }

    /** The debts for {@code hactl status} (none while fence_peers is off). */
    List<ManagerStatus.FenceStatus> status(Now time) {
        List<ManagerStatus.FenceStatus> fences = new ArrayList<>();
        for (FencingLedger.Debt d : ctx.cfg().settings().fencesPeers() ? fencing.debts() : List.<FencingLedger.Debt>of()) {
            Instant retry = d.state == FencingLedger.State.FAILED
                    ? time.wall().plusMillis(d.retryAtMs - time.monotonicMs()) : null;
            fences.add(new ManagerStatus.FenceStatus(d.peer, d.state.name().toLowerCase(Locale.ROOT),
                    List.copyOf(d.groups), d.attempts, d.lastError, d.sinceWall, retry));
        }
        return fences;
    }

    /**
     * This node is to take the group over: every departed peer that may hold it must be fenced
     * first. Runs the fence each of them owes (once per departure, shared by all its groups) when
     * it is due; the claim stays unconfirmed meanwhile (advanceClaim).
     */
    void fenceBeforeTakeover(LocalGroup lg) {
        if (!owed(lg.name())) {
            return;
        }
        for (FencingLedger.Debt debt : fencing.blocking(lg.name())) {
            if (!debt.dueAt(ctx.nowMs())) {
                continue;
            }
            long id = ctx.nextOpId();
            fencing.issued(debt, id, ctx.nowMs());
            String reason = debt.peer + " left the membership while it held or claimed " + debt.groups
                    + "; " + me + " takes over " + lg.name();
            ctx.event(Level.WARN, EventKind.FENCING, lg.name(), "fencing " + debt.peer + " (attempt " + debt.attempts
                    + ") before " + me + " takes over " + debt.groups);
            ctx.emit(new RunPeerFence(id, ctx.cfg().settings().fenceHook().orElseThrow(), debt.peer,
                    List.copyOf(debt.groups), Duration.ofMillis(timeoutMs()), ctx.cfg().settings().fencing().options(),
                    reason));
        }
    }

    /**
     * A departed peer that may hold the group has not been fenced yet, and fencing is configured
     * (a reload that turns fence_peers off lets the takeovers waiting for it go ahead).
     */
    boolean owed(String group) {
        return ctx.cfg().settings().fencesPeers() && !fencing.blocking(group).isEmpty();
    }

    /** The fence hook's result for a peer (or the result given up on). */
    void onFenceCompleted(FenceCompleted f) {
        FencingLedger.Debt debt = fencing.running(f.fenceId());
        if (debt == null) {
            return; // cancelled (the peer came back) or already counted as failed
        }
        if (f.success()) {
            fencing.succeeded(debt);
            ctx.event(Level.WARN, EventKind.FENCING, null, debt.peer + " is fenced (" + ctx.cfg().settings().fenceHook()
                    .map(Object::toString).orElse("the fence hook") + " exited 0 after " + f.durationMs() + " ms): "
                    + debt.groups + " may start on " + me);
        } else {
            String error = (f.exitCode() >= 0 ? "exit code " + f.exitCode() : "did not exit")
                    + (f.detail().isEmpty() ? "" : ": " + f.detail());
            fencing.failed(debt, error, ctx.nowMs());
            ctx.event(Level.ERROR, EventKind.FENCING, null, "fencing " + debt.peer + " failed (attempt " + debt.attempts
                    + ", " + error + "): nothing of " + debt.groups + " starts on " + me + "; retrying in "
                    + fmt(Duration.ofMillis(FencingLedger.RETRY_MS)));
        }
    }

    private long timeoutMs() {
        return ctx.cfg().settings().fencing().timeout().toMillis();
    }
}
