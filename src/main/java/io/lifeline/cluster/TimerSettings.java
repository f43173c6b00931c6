package io.lifeline.cluster;

import io.lifeline.config.HaCf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How ha.cf's Heartbeat timers become JGroups failure-detection settings.
 *
 * <p>JGroups declares a silent member dead in two steps: the failure detector suspects it once
 * nothing was heard from it for {@code timeout} ({@link HeartbeatDetector} measures that from the
 * last packet; JGroups' FD_ALL3 counted whole empty intervals on its own check rhythm and was up
 * to one interval late), then VERIFY_SUSPECT2 asks it directly and confirms after {@code verify}
 * if no answer came ({@link SuspectVerifier} checks exactly then; JGroups' own periodic scan made
 * it {@code verify..2*verify}). A member is therefore dead {@code timeout + verify} after its last
 * packet. So, to make a node dead "after deadtime of silence" as in Heartbeat:
 * <ul>
 *   <li>FD_ALL3 interval = {@code keepalive} (heartbeat period; any packet counts as one);</li>
 *   <li>FD_ALL3 timeout = {@code n*keepalive} with {@code n = floor((deadtime - 1.5*v0) / keepalive)},
 *       {@code v0 = deadtime/10} clamped to 50..1000 ms: a whole number of intervals (a rule from
 *       FD_ALL3's bitmaps, which rounded a partial interval up; kept so the split stays the same);
 *       at least 2 intervals (FD_ALL3 needs timeout &gt; interval; a tighter deadtime would flap);</li>
 *   <li>VERIFY_SUSPECT2 timeout = what is left: {@code deadtime - n*keepalive}, at least
 *       {@code v0} and at most 1000 ms (so the suspect has 1.5..2.5 times {@code v0} to answer
 *       the "are you dead?" question; 100 ms at 50 ms / 250 ms);</li>
 *   <li>MERGE3 1..3 s as the fallback of {@link PromptMerge}, which merges a healed partition as
 *       soon as the other side is heard;</li>
 *   <li>NAKACK2 retransmission interval = {@code 2 * keepalive}, clamped to 100..1000 ms (JGroups'
 *       default is 1000 ms): how soon a lost group message, a report among them, is asked for again.
 *       Right after a merge each side's first messages reach nodes that have not installed the
 *       merge view yet and are dropped there as from a non-member; the receiver learns of the gap
 *       from the sender's next message or its "highest number" notice one to two intervals later.
 *       bench/scale, 4 nodes, split and heal (2026-12-07): one owner per group 1.3-2.2 s after the
 *       heal with 1000 ms, 0.7 s with 200 ms. Retransmission requests only go out for gaps; the
 *       cost is the task's wake-ups (5 a second at 200 ms) and, for a group message no other
 *       follows within two intervals, its one "highest number" notice sent sooner;</li>
 *   <li>GMS join timeout = {@link #VIEW_ACK_TIMEOUT_MS} + 1 s, whatever the keepalive: how long a
 *       joiner waits for a coordinator's answer before it asks again, maybe another coordinator,
 *       and how long a lone first node looks for a cluster before forming its own. A coordinator
 *       handles JOINs one view change at a time and each view change waits up to the view-ack
 *       timeout for its members; a joiner that gives up sooner (it was 500 ms at keepalive 100 ms)
 *       joins a second coordinator while the first still adds it, and is then a member of two
 *       views that only a merge can repair (docs/cluster.md "Forming a cluster").</li>
 * </ul>
 * A member new in a view is not suspected before {@code timeout + deadtime} after it joined
 * ({@link HeartbeatDetector#setJoinGrace}; not one a merge brings back): a node that has just
 * joined is still starting.
 * A member is then dead {@code deadtime} after its last packet (up to one keepalive less when the
 * 1000 ms cap applies: FD_ALL3 then gets the rest, in whole intervals). Measured from a crash,
 * that is between {@code deadtime - keepalive} and {@code deadtime}, because the last heartbeat
 * went out up to one keepalive before it.
 * {@code warntime} and {@code initdead} are applied by Lifeline's membership itself
 * (late-heartbeat warnings, start-up grace).
 */
public record TimerSettings(
        Duration keepalive,
        Duration deadtime,
        Duration warntime,
        Duration initdead,
        long fdIntervalMs,
        long fdTimeoutMs,
        long verifySuspectMs,
        long mergeMinMs,
        long mergeMaxMs,
        long joinTimeoutMs,
        long retransmitMs,
        List<String> warnings) {

    private static final long MIN_VERIFY_MS = 50;
    /** GMS view_ack_collection_timeout (JGroups' default, set explicitly because the join timeout depends on it). */
    public static final long VIEW_ACK_TIMEOUT_MS = 2000;
    /** Margin of the join timeout over one view change's ack wait: the JOIN's own processing and transit. */
    private static final long JOIN_MARGIN_MS = 1000;
    private static final long MAX_VERIFY_MS = 1000;
    /** Bounds of NAKACK2's retransmission interval (see the class comment). */
    private static final long MIN_RETRANSMIT_MS = 100;
    private static final long MAX_RETRANSMIT_MS = 1000;

    public TimerSettings {
        warnings = List.copyOf(warnings);
    }

    public static TimerSettings from(HaCf haCf) {
        return from(haCf.keepalive(), haCf.deadtime(), haCf.warntime(), haCf.initdead());
    }

    public static TimerSettings from(Duration keepalive, Duration deadtime, Duration warntime, Duration initdead) {
        List<String> warnings = new ArrayList<>();
        long ka = Math.max(10, keepalive.toMillis());
        long dead = deadtime.toMillis();
        long minVerify = clamp(dead / 10, MIN_VERIFY_MS, MAX_VERIFY_MS);
        long intervals = (dead - (minVerify * 3) / 2) / ka;
        long verify;
        if (intervals < 2) {
            intervals = 2;
            verify = minVerify;
            warnings.add("deadtime " + dead + " ms is too short for keepalive " + ka
                    + " ms; nodes will be declared dead after about " + (2 * ka + verify)
                    + " ms (make deadtime at least " + (2 * ka + (verify * 3) / 2) + " ms)");
        } else {
            verify = clamp(dead - intervals * ka, minVerify, MAX_VERIFY_MS);
            if (verify == MAX_VERIFY_MS) {
                intervals = Math.max(intervals, (dead - MAX_VERIFY_MS) / ka); // give FD_ALL3 the rest
            }
        }
        long timeout = intervals * ka;
        long join = VIEW_ACK_TIMEOUT_MS + JOIN_MARGIN_MS;
        long retransmit = clamp(2 * ka, MIN_RETRANSMIT_MS, MAX_RETRANSMIT_MS);
        return new TimerSettings(keepalive, deadtime, warntime, initdead, ka, timeout, verify, 1000, 3000, join,
                retransmit, warnings);
    }

    /**
     * The quorum lease's length (docs/leases.md): a peer drops this node no earlier than
     * {@code fdTimeout + verify} after it last heard it, and the lease it renews is anchored at a
     * send time before that receipt, so a lease this long has ended before any peer drops the node.
     * The margin (10 % of deadtime, at least 20 ms) covers clock-rate differences and timer delays.
     */
    public long leaseMs() {
        return fdTimeoutMs + verifySuspectMs - Math.max(20, deadtime.toMillis() / 10);
    }

    /**
     * The shortest deadtime, in steps of 50 ms, whose quorum lease at this keepalive is at least
     * {@code leaseMs} long: the advice a node gives when its stop budget leaves the lease too
     * little room (docs/leases.md, "What it costs").
     */
    public static long deadtimeForLeaseMs(Duration keepalive, long leaseMs) {
        long d = Math.max(50, (leaseMs + 49) / 50 * 50);
        while (true) {
            Duration dead = Duration.ofMillis(d);
            if (from(keepalive, dead, dead.dividedBy(2), dead).leaseMs() >= leaseMs) {
                return d;
            }
            d += 50; // the lease grows with deadtime less at most a tenth of it: this ends
        }
    }

    /** The expected (average) time from a node's failure to its removal from a link's view, in ms. */
    public long expectedDetectionMs() {
        return fdTimeoutMs + verifySuspectMs;
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }
}
