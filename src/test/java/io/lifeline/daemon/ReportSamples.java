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

/** A report that uses every field of the wire format, for the golden files. */
final class ReportSamples {

    private ReportSamples() {
    }

    static StateReport everyField() {
        Map<String, StateReport.GroupReport> groups = new TreeMap<>();
        groups.put("web", new StateReport.GroupReport(GroupPhase.RUNNING, true,
                List.of(ResourceState.STARTED, ResourceState.STARTED)));
        groups.put("db", new StateReport.GroupReport(GroupPhase.CLAIMING, false, List.of(ResourceState.UNKNOWN)));
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
