package io.lifeline.manager;

import io.lifeline.agent.OcfStatus;
import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot for {@code hactl status}: what this node knows about every node, group,
 * resource and failcount. Fields that may be absent are null (documented per field) so that the
 * record maps one to one onto JSON.
 */
public record ManagerStatus(
        Instant at,
        String localNode,
        String incarnation,
        List<String> members,
        boolean quorate,
        boolean maintenance,
        boolean stalled,
        boolean startupComplete,
        List<NodeStatus> nodes,
        List<GroupStatus> groups,
        List<FailcountStatus> failcounts,
        List<PinStatus> pins,
        List<FenceStatus> fences) {

    public ManagerStatus {
        members = List.copyOf(members);
        nodes = List.copyOf(nodes);
        groups = List.copyOf(groups);
        failcounts = List.copyOf(failcounts);
        pins = List.copyOf(pins);
        fences = List.copyOf(fences);
    }

    /** A status without pins or fences (tests and tools that build one by hand). */
    public ManagerStatus(Instant at, String localNode, String incarnation, List<String> members, boolean quorate,
                         boolean maintenance, boolean stalled, boolean startupComplete, List<NodeStatus> nodes,
                         List<GroupStatus> groups, List<FailcountStatus> failcounts) {
        this(at, localNode, incarnation, members, quorate, maintenance, stalled, startupComplete, nodes, groups,
                failcounts, List.of(), List.of());
    }

    /**
     * An operator pin ({@code hactl takeover}/{@code failover}), as replicated to every node.
     *
     * @param setOn    the node that accepted the command
     * @param inEffect placement follows it now (false: the pinned node is not eligible or reaches
     *                 fewer ping targets than another; pins never beat those), null while
     *                 placement is unknown (no complete view)
     */
    public record PinStatus(String group, String node, String setOn, Boolean inEffect) {
    }

    /**
     * A peer this node must fence before it takes over groups the peer may still hold (ha.cf
     * {@code fence_peers on}).
     *
     * @param state       needed (no takeover waits yet), running, failed (retried at
     *                    {@code nextAttemptAt}), done
     * @param groups      the groups the peer held or claimed when it left
     * @param attempts    runs of the hook so far for this death
     * @param lastError   the last failure (exit code and first stderr line), or null
     * @param nextAttemptAt when a failed fence is tried again, or null
     */
    public record FenceStatus(String node, String state, List<String> groups, int attempts, String lastError,
                              Instant since, Instant nextAttemptAt) {
        public FenceStatus {
            groups = List.copyOf(groups);
        }
    }

    /** @param alive in this node's membership; {@code ready}/{@code score}/{@code standby} are from its last report */
    public record NodeStatus(String name, boolean alive, boolean reported, boolean ready, int score, GroupScope standby) {
    }

    /**
     * @param owners       nodes where the group is starting, running or recovering (more than one
     *                     only during a split brain)
     * @param phase        the phase on the first owner, else on this node
     * @param target       where placement wants it, or null (unknown yet, or nowhere)
     * @param reason       why (placement reason, or why nowhere)
     * @param pinnedTo     an operator's takeover/failover destination, or null
     * @param blockedReason why the group is blocked, or null
     */
    public record GroupStatus(String name, String preferredNode, List<String> owners, GroupPhase phase,
                              String target, String reason, String pinnedTo, String blockedReason,
                              List<ResourceStatus> resources) {
        public GroupStatus {
            owners = List.copyOf(owners);
            resources = List.copyOf(resources);
        }
    }

    /**
     * @param state              on the first owner (else on this node)
     * @param lastMonitor        this node's last monitor result, or null if it never monitored it
     * @param lastMonitorMessage its message, or null
     * @param lastMonitorAt      when, or null
     */
    public record ResourceStatus(String resource, ResourceState state, OcfStatus lastMonitor,
                                 String lastMonitorMessage, Instant lastMonitorAt) {
    }

    public record FailcountStatus(String node, String group, String resource, int count, int threshold,
                                  boolean banned) {
    }
}
