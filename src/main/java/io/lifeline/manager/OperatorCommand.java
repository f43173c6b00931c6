package io.lifeline.manager;

import java.util.Optional;

/** What an operator can ask through {@code hactl}; the manager answers each with accepted or not. */
public sealed interface OperatorCommand {

    /** {@code hactl takeover all|local|foreign}: move these groups to this node. */
    record Takeover(GroupScope scope) implements OperatorCommand {
    }

    /** {@code hactl takeover GROUP}: move one group to this node. */
    record TakeoverGroup(String group) implements OperatorCommand {
    }

    /** {@code hactl standby all|local|foreign}: this node gives these groups away and refuses them until online. */
    record Standby(GroupScope scope) implements OperatorCommand {
    }

    /** {@code hactl online}: end standby. */
    record Online() implements OperatorCommand {
    }

    /** {@code hactl failover GROUP [--to NODE]}: move a running group to NODE or to the best other node. */
    record Failover(String group, Optional<String> to) implements OperatorCommand {
    }

    /**
     * {@code hactl unpin [GROUP|all]}: clear operator pins (of one group, or every group when
     * {@code group} is empty), cluster-wide, through the same replicated register as takeover.
     */
    record Unpin(Optional<String> group) implements OperatorCommand {
    }

    /** {@code hactl cleanup [RESOURCE|GROUP]}: forget failcounts and unblock, cluster-wide. */
    record Cleanup(Optional<String> resource) implements OperatorCommand {
    }

    /** {@code hactl maintenance on|off}: stop managing (no starts, stops, or monitors), cluster-wide. */
    record Maintenance(boolean on) implements OperatorCommand {
    }
}
