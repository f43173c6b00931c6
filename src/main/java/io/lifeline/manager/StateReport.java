package io.lifeline.manager;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one node tells all others about itself: a full snapshot, so that a lost or reordered
 * report is repaired by the next one. Reports are the only thing nodes exchange; every node
 * computes placement from the same set of reports, so no leader is needed.
 *
 * @param incarnation a fresh id per daemon start; a new one means the peer restarted
 * @param seq         grows by one per report within an incarnation
 * @param lamport     the sender's Lamport clock, to order operator decisions
 * @param ready       all resources probed; a node that is not ready confirms no claims and
 *                    cannot be chosen
 * @param score       connectivity: ping targets reachable (higher is better)
 * @param groups      groups in any phase other than STOPPED
 * @param failures    resources with a non-zero failcount on this node
 * @param seen        for each peer, the last report received from it: this is how a claim is
 *                    confirmed ("I have seen your claim and I do not hold the group")
 * @param registers   replicated operator decisions
 * @param released    groups this node fully stopped since its previous report: the "released
 *                    GROUP" confirmation a new owner waits for on planned moves
 * @param members     the sender's membership (itself included) when it sent the report, so that
 *                    quorum and takeovers rest on a membership the members agree on
 *                    (docs/split-brain.md, "Quorum on an agreed membership"); empty: not said (a
 *                    node built before this field, or one that has no membership yet), which
 *                    counts as agreeing, as before the field existed
 * @param rejoining   this report is the probe of a sender recovering from a stall: every peer
 *                    answers it once, saying whether it still counts the sender as a member
 *                    (docs/protocol.md; false from nodes built before the field)
 * @param recovering  the sender recovers from a stall (docs/manager.md, "Stall"): it claims
 *                    nothing and cannot be chosen, but its report still confirms claims, so the
 *                    others' takeovers do not wait for its recovery. It may still be stopping
 *                    what it held: what it holds is said by each group's phase, never by this
 *                    flag (false from nodes built before the field, which reported themselves
 *                    not ready instead)
 */
public record StateReport(
        String node,
        String incarnation,
        long seq,
        long lamport,
        boolean ready,
        int score,
        GroupScope standby,
        Map<String, GroupReport> groups,
        List<FailureReport> failures,
        Map<String, SeenMark> seen,
        ClusterRegisters registers,
        List<String> released,
        List<String> members,
        boolean rejoining,
        boolean recovering) {

    public StateReport {
        groups = Map.copyOf(groups);
        failures = List.copyOf(failures);
        seen = Map.copyOf(seen);
        released = List.copyOf(released);
        members = members == null ? List.of() : List.copyOf(members); // null: a journal written before the field
    }

    /** A report of a node that is not recovering from a stall (as nodes built before the field send). */
    public StateReport(String node, String incarnation, long seq, long lamport, boolean ready, int score,
                       GroupScope standby, Map<String, GroupReport> groups, List<FailureReport> failures,
                       Map<String, SeenMark> seen, ClusterRegisters registers, List<String> released,
                       List<String> members, boolean rejoining) {
        this(node, incarnation, seq, lamport, ready, score, standby, groups, failures, seen, registers, released,
                members, rejoining, false);
    }

    /** A report of a node that is not rejoining after a stall (as nodes built before the field send). */
    public StateReport(String node, String incarnation, long seq, long lamport, boolean ready, int score,
                       GroupScope standby, Map<String, GroupReport> groups, List<FailureReport> failures,
                       Map<String, SeenMark> seen, ClusterRegisters registers, List<String> released,
                       List<String> members) {
        this(node, incarnation, seq, lamport, ready, score, standby, groups, failures, seen, registers, released,
                members, false);
    }

    /** A report that does not say its sender's membership (as nodes built before the field send). */
    public StateReport(String node, String incarnation, long seq, long lamport, boolean ready, int score,
                       GroupScope standby, Map<String, GroupReport> groups, List<FailureReport> failures,
                       Map<String, SeenMark> seen, ClusterRegisters registers, List<String> released) {
        this(node, incarnation, seq, lamport, ready, score, standby, groups, failures, seen, registers, released,
                List.of());
    }

    /** Whether the sender said its membership. */
    public boolean saysMembers() {
        return !members.isEmpty();
    }

    /**
     * Whether the sender counts {@code node} among its members, as far as this report tells: a
     * report that does not say its membership contradicts nothing.
     */
    public boolean mayHear(String node) {
        return members.isEmpty() || members.stream().anyMatch(node::equalsIgnoreCase);
    }

    /**
     * One group on the reporting node.
     *
     * @param claimSeq for a {@link GroupPhase#CLAIMING} group, the seq of the first report that
     *                 carried this claim: a peer that has acknowledged that seq owes the claim
     *                 nothing more (docs/protocol.md). 0: not claiming, or not known (a report of
     *                 a node built before this field, whose every report is then acknowledged)
     */
    public record GroupReport(GroupPhase phase, boolean holdFailback, List<ResourceState> resources, long claimSeq) {
        public GroupReport {
            resources = List.copyOf(resources);
        }

        public GroupReport(GroupPhase phase, boolean holdFailback, List<ResourceState> resources) {
            this(phase, holdFailback, resources, 0);
        }
    }

    /** @param banned count reached the threshold: the node is not eligible for the group */
    public record FailureReport(String group, String resource, int count, int threshold, boolean banned) {
    }

    public record SeenMark(String incarnation, long seq) {
    }

    /** This report with {@code more} released groups as well (a coalesced predecessor's). */
    public StateReport withReleased(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(released);
        all.addAll(more);
        return new StateReport(node, incarnation, seq, lamport, ready, score, standby, groups, failures, seen,
                registers, List.copyOf(all), members, rejoining, recovering);
    }

    public GroupPhase phase(String group) {
        GroupReport g = groups.get(group);
        return g == null ? GroupPhase.STOPPED : g.phase();
    }

    public boolean bannedFor(String group) {
        return failures.stream().anyMatch(f -> f.banned() && f.group().equals(group));
    }

    public boolean hasSeen(String node, String incarnation, long seq) {
        SeenMark m = seen.get(node);
        return m != null && m.incarnation().equals(incarnation) && m.seq() >= seq;
    }

    public boolean hasClaims() {
        return groups.values().stream().anyMatch(g -> g.phase() == GroupPhase.CLAIMING);
    }

    /**
     * The newest seq a peer must have seen to have acknowledged every claim in this report: the
     * largest claim start, or this report's own seq for a claim that does not say when it started
     * (a node built before claimSeq); 0 without claims.
     */
    public long newestClaimSeq() {
        long newest = 0;
        for (GroupReport g : groups.values()) {
            if (g.phase() == GroupPhase.CLAIMING) {
                newest = Math.max(newest, g.claimSeq() > 0 ? Math.min(g.claimSeq(), seq) : seq);
            }
        }
        return newest;
    }

    /** Equal apart from the bookkeeping that changes with every report. */
    public boolean sameContentAs(StateReport o) {
        return o != null && ready == o.ready && score == o.score && standby == o.standby
                && groups.equals(o.groups) && failures.equals(o.failures)
                && registers.equals(o.registers) && released.isEmpty() && members.equals(o.members)
                && rejoining == o.rejoining && recovering == o.recovering
                && Objects.equals(node, o.node);
    }
}
