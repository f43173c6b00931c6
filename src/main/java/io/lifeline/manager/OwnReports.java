package io.lifeline.manager;

import io.lifeline.manager.ManagerAction.BroadcastReport;
import io.lifeline.manager.ManagerEvent.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * This node's state reports: what they say (its groups' phases, failures, connectivity,
 * standby, registers, what it has seen of each peer, what it released) and when they go out
 * (on change, as delayed acknowledgements of claims, periodically; {@link ReportScheduler},
 * docs/protocol.md). Every other node decides on these, so they are built in one place.
 */
final class OwnReports {

    private final ManagerContext ctx;
    private final String me;
    private final Map<String, LocalGroup> groups;
    /** The groups a reload removed and that are still stopping here: reported until they are down. */
    private final Supplier<List<LocalGroup>> removedGroupsStopping;
    private final Failcounts failcounts;
    private final ClusterView cluster;
    private final StallRecovery stall;
    private final OperatorRegisters operators;

    /** Ping targets reachable (ha.cf ping, ping_group): placement prefers the better connected node. */
    private int score;
    private StateReport lastSent;
    /** When reports go out: on change, delayed acknowledgements, periodic (docs/protocol.md). */
    private ReportScheduler reportScheduler = ReportScheduler.paced();
    /** Groups a completed stop released since the last report: the next one says so (it confirms claims). */
    private final List<String> releasedSinceReport = new ArrayList<>();
    /** The next report goes out even if its content did not change (a membership change, a stall, a reload). */
    private boolean forceReport;

    OwnReports(ManagerContext ctx, Map<String, LocalGroup> groups, Supplier<List<LocalGroup>> removedGroupsStopping,
            Failcounts failcounts, ClusterView cluster, StallRecovery stall, OperatorRegisters operators) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.groups = groups;
        this.removedGroupsStopping = removedGroupsStopping;
        this.failcounts = failcounts;
        this.cluster = cluster;
        this.stall = stall;
        this.operators = operators;
    }

    /** Sends every wanted report at once instead of pacing them (scenario tests). */
    void sendUnpaced() {
        reportScheduler = ReportScheduler.unpaced();
    }

    /** The next report goes out whatever it says. */
    void force() {
        forceReport = true;
    }

    /** A completed stop released the group here. */
    void released(String group) {
        releasedSinceReport.add(group);
    }

    /** When the next report is due by time alone (pacing, delayed acknowledgement, periodic). */
    long nextDueAtMs() {
        return reportScheduler.nextDueAtMs(ctx.cfg().settings().reportInterval().toMillis());
    }

    /** The last report sent says what the next one would (nothing held back by the pacing). */
    boolean peersAreUpToDate() {
        return build(ctx.seq() + 1).sameContentAs(lastSent);
    }

    /** This node has probed every resource it may run (blocked groups aside): peers may count on its report. */
    boolean ready() {
        return groups.values().stream().allMatch(lg -> lg.blocked() || !lg.hasUnknown());
    }

    /** The ping nodes this node reaches changed (its connectivity score, which placement weighs). */
    void onConnectivity(int newScore) {
        if (newScore != score) {
            ctx.event(Level.INFO, EventKind.PLACEMENT, null, "connectivity of " + me + " changed: "
                    + score + " -> " + newScore + " ping targets reachable");
            score = newScore;
        }
    }

    /** This node's report numbered {@code reportSeq}, as its state is now. */
    StateReport build(long reportSeq) {
        Map<String, StateReport.GroupReport> gr = new LinkedHashMap<>();
        long delay = ctx.cfg().settings().failbackDelay().toMillis();
        List<LocalGroup> reported = new ArrayList<>(groups.values());
        reported.addAll(removedGroupsStopping.get());
        for (LocalGroup lg : reported) {
            GroupPhase ph = lg.phase();
            if (ph != GroupPhase.STOPPED) {
                gr.put(lg.name(), new StateReport.GroupReport(ph, lg.defersFailback(ctx.nowMs(), delay), lg.states(),
                        ph == GroupPhase.CLAIMING ? lg.claimSeq() : 0));
            }
        }
        List<StateReport.FailureReport> fr = new ArrayList<>();
        failcounts.counts().forEach((k, count) -> {
            ResourcePolicy p = ctx.cfg().settings().policyFor(k.resource());
            fr.add(new StateReport.FailureReport(k.group(), k.resource(), count, p.threshold(), count >= p.threshold()));
        });
        // a stalled node is ready (its groups' phases are true, so its report confirms the others'
        // claims and their takeovers need not wait for its recovery) but recovering: no candidate
        return new StateReport(me, ctx.incarnation, reportSeq, ctx.lamport(), ready(), score, operators.standby(), gr, fr,
                cluster.lastSeen(), operators.registers(), releasedSinceReport,
                cluster.membershipKnown() ? cluster.members() : List.of(),
                stall.isRejoinProbe(reportSeq), stall.stalled());
    }

    /**
     * Sends a report when this node's state changed (or a membership change asks for one), when
     * a claim a peer made waits for this node's acknowledgement (delayed a little, so that one
     * report answers every claim of a round), or when the periodic one is due; see
     * {@link ReportScheduler} and docs/protocol.md for why this bounds the reports per
     * membership change.
     */
    void maybeBroadcast() {
        StateReport candidate = build(ctx.seq() + 1);
        boolean changed = forceReport || !candidate.sameContentAs(lastSent);
        boolean ackOwed = ReportScheduler.ackOwed(lastSent, me, cluster.members(), cluster.reports());
        if (reportScheduler.sendNow(ctx.nowMs(), changed, ackOwed, ctx.cfg().settings().reportInterval().toMillis())) {
            ctx.nextSeq();
            ctx.tickLamport();
            StateReport report = build(ctx.seq());
            ctx.emit(new BroadcastReport(report));
            lastSent = report;
            reportScheduler.sent(ctx.nowMs());
            releasedSinceReport.clear();
            forceReport = false;
        }
    }
}
