package io.lifeline.manager;

import java.util.Collection;
import java.util.Map;

/**
 * Decides when this node sends its next state report, so that the number of reports per
 * membership change is O(N) by design (docs/protocol.md). A report is wanted:
 * <ul>
 *   <li>when this node's own state changed (or a new membership asks every node for a report);</li>
 *   <li>{@link #ACK_DELAY_MS} after a peer's claim arrived that this node has not acknowledged
 *       yet: every report carries the whole ack vector ({@link StateReport#seen()}), so one
 *       delayed acknowledgement answers every claim that arrived meanwhile, and an
 *       acknowledgement is never itself something to acknowledge;</li>
 *   <li>{@code report_interval} after the previous one (anti-entropy: repairs anything lost).</li>
 * </ul>
 * and sent at once if the pacing allows it, else at the first moment it does, with the state of
 * then (latest state wins: the changes in between are coalesced into one report). The pacing is
 * a token bucket: {@link #BURST} reports back to back (so a planned move's claim, stop and release
 * are never held back), then at most one per {@link #GAP_MS}.
 *
 * <p>A claim is owed an acknowledgement once, for the report that first carried it
 * ({@link StateReport.GroupReport#claimSeq()}), not for every later report of its claimant: that
 * rule, not the pacing, is what ends the old storm in which every report of a claimant was
 * answered by every peer and claimants answered each other's answers. Pure: time comes in as
 * arguments.
 */
final class ReportScheduler {

    /**
     * How long an acknowledgement waits for more claims to answer with it. All nodes of a cluster
     * that forms or heals claim within a few message delays of each other; one acknowledgement a
     * little later answers them all, instead of one report per claim (N - 1 per node). Short
     * enough not to matter beside an agent's stop on a planned move (the holder's release, sent at
     * once, is itself an acknowledgement).
     */
    static final long ACK_DELAY_MS = 25;
    /** Reports a node may send back to back before the pacing holds the next one back. */
    static final int BURST = 3;
    /** Beyond the burst, at most one report per this interval (the bucket refills at this rate). */
    static final long GAP_MS = 25;

    private static final long NONE = Long.MIN_VALUE;

    private final long ackDelayMs;
    private final int burst;
    private final long gapMs;

    private long lastSentAtMs = NONE;
    /** When the acknowledgement a peer waits on is wanted; NONE when nothing is owed. */
    private long ackDueAtMs = NONE;
    /** The pacing (a token bucket as a "theoretical arrival time"): a report may go at {@code tat - (BURST - 1) * GAP_MS}. */
    private long tat = NONE;
    /** A report is wanted but held back by the pacing until {@link #allowedAtMs()}. */
    private boolean heldBack;

    private ReportScheduler(long ackDelayMs, int burst, long gapMs) {
        this.ackDelayMs = ackDelayMs;
        this.burst = burst;
        this.gapMs = gapMs;
    }

    /** The protocol's schedule: delayed acknowledgements, paced reports. */
    static ReportScheduler paced() {
        return new ReportScheduler(ACK_DELAY_MS, BURST, GAP_MS);
    }

    /**
     * Every wanted report at once, acknowledgements included (still once per claim): for the
     * scenario tests, whose clock stands still between inputs and which check decisions, not
     * the schedule (that is ReportTrafficSimulationTest's and the cluster simulations' job).
     */
    static ReportScheduler unpaced() {
        return new ReportScheduler(0, 1, 0);
    }

    /**
     * Whether some member's newest report holds a claim that {@code lastSent} (this node's latest
     * report) has not acknowledged: its ack vector does not reach the seq that first carried it.
     */
    static boolean ackOwed(StateReport lastSent, String me, Collection<String> members, Map<String, StateReport> reports) {
        for (String n : members) {
            StateReport r = n.equals(me) ? null : reports.get(n);
            if (r == null) {
                continue;
            }
            long claimSeq = r.newestClaimSeq();
            if (claimSeq > 0 && (lastSent == null || !lastSent.hasSeen(n, r.incarnation(), claimSeq))) {
                return true;
            }
            // a peer rejoining after a stall waits for every member's answer to its report
            if (r.rejoining() && (lastSent == null || !lastSent.hasSeen(n, r.incarnation(), r.seq()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a report must go out now. {@code changed}: this node's own state differs from its
     * last report, or a membership change asks for one; {@code ackOwed}: see {@link #ackOwed}.
     * Remembers when an owed acknowledgement or a held-back report falls due, so call it on
     * every input.
     */
    boolean sendNow(long nowMs, boolean changed, boolean ackOwed, long intervalMs) {
        if (!ackOwed) {
            ackDueAtMs = NONE;
        } else if (ackDueAtMs == NONE) {
            ackDueAtMs = nowMs + ackDelayMs;
        }
        boolean wanted = lastSentAtMs == NONE || changed
                || ackOwed && nowMs >= ackDueAtMs
                || nowMs - lastSentAtMs >= intervalMs;
        heldBack = wanted && nowMs < allowedAtMs();
        return wanted && !heldBack;
    }

    /** A report went out: it acknowledges everything received so far, and uses up one of the burst. */
    void sent(long nowMs) {
        lastSentAtMs = nowMs;
        ackDueAtMs = NONE;
        heldBack = false;
        tat = (tat == NONE ? nowMs : Math.max(tat, nowMs)) + gapMs;
    }

    private long allowedAtMs() {
        return tat == NONE ? NONE : tat - (burst - 1) * gapMs;
    }

    /**
     * The next time a report falls due without any input: a held-back one when the pacing allows
     * it, an owed acknowledgement, or the periodic one (never earlier than the pacing allows);
     * {@link Long#MAX_VALUE} before the first report.
     */
    long nextDueAtMs(long intervalMs) {
        if (lastSentAtMs == NONE) {
            return Long.MAX_VALUE;
        }
        long due = heldBack ? allowedAtMs() : lastSentAtMs + intervalMs;
        if (ackDueAtMs != NONE) {
            due = Math.min(due, ackDueAtMs);
        }
        return Math.max(due, allowedAtMs());
    }
}
