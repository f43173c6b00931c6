package io.lifeline.manager;

import static io.lifeline.manager.ManagerContext.fmt;

import io.lifeline.manager.ManagerEvent.Level;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Recovery from a stall (this process was frozen, docs/split-brain.md): while it lasts this node
 * releases every group and places nothing; it ends with a membership taken after the freeze,
 * with every peer still counting this node (the early rejoin), or after {@code stall_rejoin_wait}.
 */
final class StallRecovery {

    private final ManagerContext ctx;
    private final String me;
    private final Map<String, LocalGroup> groups;
    private final ClusterView cluster;

    private boolean stalled;
    /** When the stall was seen (monotonic). */
    private long stalledAtMs;
    /** The cluster layer's snapshot epoch when the stall was seen; a later one ends the recovery. */
    private long stalledAtEpoch;
    /**
     * After a stall, the seq of this node's first report sent once every peer's verdict on the
     * freeze is in (twice deadtime after the stall was seen); 0 until then. A peer whose report has seen
     * it and still lists this node as a member did not declare it dead, or has merged it again.
     */
    private long rejoinProbeSeq;
    private String stallReason = "";

    StallRecovery(ManagerContext ctx, Map<String, LocalGroup> groups, ClusterView cluster) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.groups = groups;
        this.cluster = cluster;
    }

    /** Whether this node is recovering from a stall (it holds nothing and places nothing). */
    boolean stalled() {
        return stalled;
    }

    /** Why every group stops here while the stall lasts. */
    String reason() {
        return stallReason;
    }

    /** Whether the report numbered {@code reportSeq} is the rejoin probe (marked rejoining; see {@link #endIfQuiet}). */
    boolean isRejoinProbe(long reportSeq) {
        return stalled && reportSeq == rejoinProbeSeq;
    }

    /**
     * A new membership: only a snapshot taken after the freeze shows the cluster as it re-formed;
     * one queued before it (the stall report jumps the queue) is stale. Unnumbered memberships (0)
     * always count.
     */
    void onMembership(long epoch, List<String> members) {
        if (stalled && (epoch == 0 || epoch > stalledAtEpoch)) {
            stalled = false;
            ctx.event(Level.INFO, EventKind.STALL, null, "rejoined the cluster after the stall (membership " + members + ")");
        }
    }

    /** The times at which the recovery may end or the rejoin probe is due. */
    void offerDeadlines(LongConsumer at) {
        if (stalled) {
            at.accept(stalledAtMs + ctx.cfg().settings().stallRejoinWait().toMillis());
            if (rejoinProbeSeq == 0) {
                at.accept(stalledAtMs + rejoinProbeDelayMs());
            }
        }
    }

    /**
     * The watchdog saw this process frozen for {@code frozenMs}. Below the stall threshold it
     * keeps its resources; from it on, peers may have declared it dead and taken its groups, so
     * it releases everything, forgets the reports heard before, and rejoins. Returns whether a
     * report is due at once (the release is news).
     */
    boolean onStall(long frozenMs, long membershipEpoch) {
        long threshold = ctx.cfg().stallThreshold().toMillis();
        if (frozenMs < threshold) {
            ctx.event(Level.WARN, EventKind.STALL, null, "this process was frozen for " + frozenMs
                    + " ms (below the stall threshold of " + threshold + " ms): keeping resources");
            return false;
        }
        stalled = true;
        stalledAtMs = ctx.nowMs();
        stalledAtEpoch = membershipEpoch;
        rejoinProbeSeq = 0;
        stallReason = me + " was frozen for " + frozenMs + " ms (>= " + threshold
                + " ms): peers may have declared it dead and taken its groups";
        cluster.forgetAfterStall();
        ctx.event(Level.ERROR, EventKind.STALL, null, stallReason + "; releasing every group, then rejoining");
        return true;
    }

    /**
     * Ends the recovery from a stall once this node has released everything and either every
     * peer still counts it (the early rejoin below) or {@code stall_rejoin_wait} passed without a
     * new membership. A new membership ends it too ({@link #onMembership}).
     * Returns whether a report is due at once (the rejoin probe).
     *
     * <p>The early rejoin: a freeze between the stall threshold and deadtime may or may not have
     * cost this node its membership, and when the peers did not declare it dead no new membership
     * ever comes (docs/manager.md, "Stall"). A peer decides nominally at the latest deadtime after
     * this node's last heartbeat before the freeze, which is before {@code stalledAt + deadtime};
     * the probe waits one deadtime more for a peer whose detection or view change runs late (a
     * loaded box). The first report this node sends after {@code stalledAt + 2 x deadtime} is the
     * probe, the only report marked rejoining, so each peer answers it once (an answer is never
     * itself answered, even between two nodes that stalled together). A peer whose report has
     * seen the probe and lists this node among its members either never declared it dead or has
     * merged it back, so its view agrees with this node's again. When every peer of this node's
     * membership says so, the groups can be placed at once instead of after
     * {@code stall_rejoin_wait}. A peer whose reports do not say their membership (a node built
     * before the field) cannot say so.
     */
    boolean endIfQuiet() {
        if (!stalled || groups.values().stream().anyMatch(LocalGroup::occupies)) {
            return false;
        }
        long since = ctx.nowMs() - stalledAtMs;
        if (since >= ctx.cfg().settings().stallRejoinWait().toMillis()) {
            stalled = false;
            ctx.event(Level.INFO, EventKind.STALL, null, "no new membership within "
                    + fmt(ctx.cfg().settings().stallRejoinWait()) + " after the stall: trusting membership " + cluster.members() + " again");
            return false;
        }
        if (since < rejoinProbeDelayMs()) {
            return false;
        }
        if (rejoinProbeSeq == 0) {
            rejoinProbeSeq = ctx.seq() + 1; // the next report, sent by maybeBroadcast in this same step
            return true;
        }
        List<String> peers = cluster.members().stream().filter(n -> !n.equals(me)).toList();
        if (!peers.isEmpty() && peers.stream().allMatch(p -> cluster.countsThisNodeAfterTheStall(p, rejoinProbeSeq))) {
            stalled = false;
            ctx.event(Level.INFO, EventKind.STALL, null, String.join(", ", peers) + (peers.size() == 1 ? " still counts " : " still count ")
                    + me + " as a member after the stall (" + (peers.size() == 1 ? "its report" : "their reports")
                    + " answered " + me + "'s sent twice deadtime after the stall): rejoining in membership " + cluster.members()
                    + " at once");
        }
        return false;
    }

    /** When the rejoin probe goes out after a stall: twice deadtime (see {@link #endIfQuiet}). */
    private long rejoinProbeDelayMs() {
        return 2 * ctx.cfg().deadtime().toMillis();
    }
}
