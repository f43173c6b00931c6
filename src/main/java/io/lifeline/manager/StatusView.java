package io.lifeline.manager;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code hactl status} snapshot ({@link ManagerStatus}) as this node sees the cluster: the
 * nodes and their reports, each group's owners, phase, placement and why, pins, failcounts and
 * fences. It only reads the other parts; asking for the status changes nothing.
 */
final class StatusView {

    private final ManagerContext ctx;
    private final String me;
    private final Map<String, LocalGroup> groups;
    private final ClusterView cluster;
    private final OperatorRegisters operators;
    private final PeerFencing fencing;
    private final StallRecovery stall;
    private final PlacementView views;

    StatusView(ManagerContext ctx, Map<String, LocalGroup> groups, ClusterView cluster, OperatorRegisters operators,
            PeerFencing fencing, StallRecovery stall, PlacementView views) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.groups = groups;
        this.cluster = cluster;
        this.operators = operators;
        this.fencing = fencing;
        this.stall = stall;
        this.views = views;
    }

    /** A snapshot for {@code hactl status}, as this node sees the cluster. */
    ManagerStatus status(Now time, StateReport own) {
        List<ManagerStatus.NodeStatus> nodes = new ArrayList<>();
        Map<String, StateReport> known = new LinkedHashMap<>();
        for (String n : ctx.cfg().nodes()) {
            StateReport r = n.equals(me) ? own : (cluster.members().contains(n) ? cluster.report(n) : null);
            if (r != null) {
                known.put(n, r);
            }
            // ready as a candidate: a node recovering from a stall confirms claims but is none
            nodes.add(new ManagerStatus.NodeStatus(n, cluster.members().contains(n), r != null,
                    r != null && r.ready() && !r.recovering(), r == null ? 0 : r.score(),
                    r == null ? GroupScope.NONE : r.standby()));
        }
        List<StateReport> view = views.viewOrNull();
        List<ManagerStatus.GroupStatus> gs = new ArrayList<>();
        for (LocalGroup lg : groups.values()) {
            List<String> owners = known.values().stream().filter(r -> r.phase(lg.name()).isActive())
                    .map(StateReport::node).toList();
            StateReport shown = owners.isEmpty() ? known.get(me) : known.get(owners.get(0));
            StateReport.GroupReport g = shown.groups().get(lg.name());
            Placement.Decision d = view == null ? null : Placement.place(ctx.cfg(), lg.spec(), view, operators.registers());
            String blocked = lg.blockedReason();
            if (blocked == null) {
                blocked = known.values().stream().filter(r -> r.phase(lg.name()) == GroupPhase.BLOCKED)
                        .map(r -> "blocked on " + r.node()).findFirst().orElse(null);
            }
            List<ManagerStatus.ResourceStatus> rs = new ArrayList<>();
            for (int i = 0; i < lg.size(); i++) {
                ResourceState st = g == null ? ResourceState.STOPPED : g.resources().get(i);
                LocalGroup.Resource here = lg.resource(i);
                long at = here.lastMonitorAtMs();
                Instant when = at < 0 ? null : time.wall().minusMillis(time.monotonicMs() - at);
                rs.add(new ManagerStatus.ResourceStatus(lg.word(i), st, here.lastMonitorStatus(),
                        here.lastMonitorMessage(), when));
            }
            gs.add(new ManagerStatus.GroupStatus(lg.name(), lg.spec().preferredNode(), owners,
                    g == null ? GroupPhase.STOPPED : g.phase(), d == null ? null : d.node(),
                    d == null ? views.whyNoView() : d.reason(), operators.registers().pinnedNode(lg.name()).orElse(null), blocked, rs));
        }
        List<ManagerStatus.FailcountStatus> fs = new ArrayList<>();
        for (StateReport r : known.values()) {
            for (StateReport.FailureReport f : r.failures()) {
                fs.add(new ManagerStatus.FailcountStatus(r.node(), f.group(), f.resource(), f.count(), f.threshold(), f.banned()));
            }
        }
        List<ManagerStatus.PinStatus> pins = new ArrayList<>();
        for (LocalGroup lg : groups.values()) {
            ClusterRegisters.Pin p = operators.registers().pins().get(lg.name());
            if (p != null && p.node() != null) {
                Placement.Decision d = view == null ? null : Placement.place(ctx.cfg(), lg.spec(), view, operators.registers());
                pins.add(new ManagerStatus.PinStatus(lg.name(), p.node(), p.stamp().node(),
                        d == null ? null : p.node().equals(d.node())));
            }
        }
        List<ManagerStatus.FenceStatus> fences = fencing.status(time);
        return new ManagerStatus(time.wall(), me, ctx.incarnation, cluster.members(), Boolean.TRUE.equals(cluster.quorate()),
                operators.maintenance(), stall.stalled(), cluster.startupComplete(), nodes, gs, fs, pins, fences);
    }
}
