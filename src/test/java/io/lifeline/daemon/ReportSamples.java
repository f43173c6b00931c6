package io.lifeline.daemon;

import io.lifeline.manager.ClusterRegisters;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ResourceState;
import io.lifeline.manager.StateReport;
import io.lifeline.manager.Stamp;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reports that use every field of the wire format, for the golden files. */
final class ReportSamples {

    private ReportSamples() {
    }

    /** Every field of the first version-1 format (golden file v1-every-field.json). */
    static StateReport everyField() {
        return everyField(0);
    }

    /**
     * Every field including the optional ones added to version 1 later (golden file
     * v1-optional-fields.json): the claim of db says the report that first carried it.
     */
    static StateReport everyOptionalField() {
        return everyField(1230);
    }

    /**
     * As {@link #everyOptionalField()}, with the sender's membership as well (golden file
     * v1-members.json, 2026-12-07).
     */
    static StateReport withMembers() {
        StateReport r = everyField(1230);
        return new StateReport(r.node(), r.incarnation(), r.seq(), r.lamport(), r.ready(), r.score(), r.standby(),
                r.groups(), r.failures(), r.seen(), r.registers(), r.released(), List.of("node1", "node2"));
    }

    /** As {@link #withMembers()}, from a node rejoining after a stall (golden file v1-rejoining.json, 2026-12-07). */
    static StateReport rejoining() {
        StateReport r = withMembers();
        return new StateReport(r.node(), r.incarnation(), r.seq(), r.lamport(), false, r.score(), r.standby(),
                r.groups(), r.failures(), r.seen(), r.registers(), r.released(), r.members(), true);
    }

    /**
     * As {@link #rejoining()}, from a node built since a stalled node reports itself ready but
     * recovering (golden file v1-recovering.json, 2026-12-07).
     */
    static StateReport recovering() {
        StateReport r = rejoining();
        return new StateReport(r.node(), r.incarnation(), r.seq(), r.lamport(), true, r.score(), r.standby(),
                r.groups(), r.failures(), r.seen(), r.registers(), r.released(), r.members(), true, true);
    }

    private static StateReport everyField(long claimSeq) {
        Map<String, StateReport.GroupReport> groups = new TreeMap<>();
        groups.put("web", new StateReport.GroupReport(GroupPhase.RUNNING, true,
                List.of(ResourceState.STARTED, ResourceState.STARTED)));
        groups.put("db", new StateReport.GroupReport(GroupPhase.CLAIMING, false, List.of(ResourceState.UNKNOWN),
                claimSeq));
        ClusterRegisters registers = ClusterRegisters.EMPTY
                .withPin("web", "node2", new Stamp(41, "node1"))
                .withPin("db", null, new Stamp(42, "node3"))
                .withMaintenance(true, new Stamp(40, "node2"))
                .withCleanup(ClusterRegisters.ALL_RESOURCES, new Stamp(39, "node1"));
        return new StateReport("node2", "7f3e9c1a-0b2d-4e5f-8a9b-0c1d2e3f4a5b", 1234, 5678, true, 2, GroupScope.FOREIGN,
                groups,
                List.of(new StateReport.FailureReport("web", "nginx", 2, 3, false),
                        new StateReport.FailureReport("db", "mysql", 3, 3, true)),
                Map.of("node1", new StateReport.SeenMark("inc-1", 99), "node3", new StateReport.SeenMark("inc-3", 7)),
                registers, List.of("old-group"));
    }
}
