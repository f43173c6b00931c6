package io.lifeline.manager;

import static io.lifeline.manager.ManagerContext.fmt;

import io.lifeline.manager.LocalGroup.Goal;
import io.lifeline.manager.LocalGroup.OpKind;
import io.lifeline.manager.ManagerEvent.Level;
import java.util.List;
import java.util.Locale;

/**
 * Where each group runs, as this node sees its own part: every node applies the same
 * {@link Placement} to the same view, and this part acts on the answer for this node only. A
 * node that occupies a group keeps it, or stops it (for a local reason: stall, no quorum,
 * standby, failures; or to hand it to the placement's new owner once that one claims it). A node
 * that does not occupy a group claims it when it is the choice, and starts it only once every
 * peer has confirmed the claim, no rival comes first in ha.cf, the membership is agreed and any
 * fence owed for a departed holder is done (docs/manager.md, "How the nodes agree without a
 * leader").
 */
final class Claims {

    private final ManagerContext ctx;
    private final String me;
    private final ClusterView cluster;
    private final StallRecovery stall;
    private final OperatorRegisters operators;
    private final Failcounts failcounts;
    private final PeerFencing fencing;
    private final GroupActions actions;

    Claims(ManagerContext ctx, ClusterView cluster, StallRecovery stall, OperatorRegisters operators,
            Failcounts failcounts, PeerFencing fencing, GroupActions actions) {
        this.ctx = ctx;
        this.me = ctx.me;
        this.cluster = cluster;
        this.stall = stall;
        this.operators = operators;
        this.failcounts = failcounts;
        this.fencing = fencing;
        this.actions = actions;
    }

    /**
     * Decides one group here over the view ({@code null} while incomplete) and the quorum: its
     * probe, its goal if this node occupies it, else its claim; then drives its next action.
     */
    void decide(LocalGroup lg, List<StateReport> view, boolean quorum) {
        if (lg.blocked() || operators.maintenance()) {
            lg.dropClaim();
            return;
        }
        if (lg.hasUnknown()) {
            if (lg.inFlight() == null) {
                actions.issue(lg, OpKind.PROBE, lg.nextUnknown());
            }
            return;
        }
        String stop = localStopReason(lg, quorum);
        String standby = standbyReason(lg);
        Placement.Decision d = view == null ? null : Placement.place(ctx.cfg(), lg.spec(), view, operators.registers());
        if (standby == null || !lg.occupies() || lg.goal() == Goal.STOP) {
            lg.endClaimWait();
        }
        if (lg.occupies()) {
            lg.dropClaim();
            if (stop != null) {
                setGoal(lg, Goal.STOP, stop);
            } else if (standby != null && (d == null || d.node() == null)) {
                // standby with nobody to hand the group to, or no complete view to tell: stop now
                setGoal(lg, Goal.STOP, d == null ? standby : standby + "; " + d.reason());
            } else if (standby != null && lg.goal() != Goal.STOP && !newOwnerClaims(lg, view, d.node())
                    && ctx.nowMs() - lg.awaitClaimSince(ctx.nowMs()) >= LocalGroup.CLAIM_WAIT_MS) {
                lg.endClaimWait();
                setGoal(lg, Goal.STOP, standby + "; " + d.node() + " has not claimed it within "
                        + LocalGroup.CLAIM_WAIT_MS + " ms, so it stops here without a handover");
            } else if (d != null && !me.equals(d.node())) {
                // A planned move (standby too, which placement never chooses): keep serving until
                // the new owner claims the group. By then it has taken in the same view and decided
                // (a node that just rejoined is still loading code for that), and this node's
                // release confirms its claim, so the new owner starts the moment the release
                // arrives, before a node stopping for good has left (docs/manager.md).
                if (d.node() == null || lg.goal() == Goal.STOP || newOwnerClaims(lg, view, d.node())) {
                    setGoal(lg, Goal.STOP, d.node() == null ? d.reason()
                            : standby != null ? standby + "; " + d.node() + " takes it over: " + d.reason()
                            : "moving to " + d.node() + ": " + d.reason());
                }
            } else if (d != null) {
                setGoal(lg, Goal.RUN, d.reason());
            }
            // else: no complete view yet; carry on with the current goal (NONE: leave it as it is)
        } else {
            lg.clearGoal();
            if (stop != null || standby != null || d == null || !me.equals(d.node())) {
                lg.dropClaim();
                lg.noteDisagreement(null);
            } else {
                if (lg.claimSeq() == 0) {
                    // The claim goes out with the next report, which will carry seq + 1. It goes
                    // out even while the old holder is still running or stopping the group: the
                    // holder's "released" report has then seen it and confirms it, so a planned
                    // move costs no claim round trip after the release.
                    lg.claim(ctx.seq() + 1, d.reason());
                }
                if (lg.claimSeq() > 0) {
                    // A node that a peer still sees is not fenced: it may be alive and serving on
                    // the other side of a one-sided cut, and this claim cannot start anyway.
                    if (membershipAgreed(lg, view)) {
                        fencing.fenceBeforeTakeover(lg);
                    }
                    advanceClaim(lg, view, d);
                }
            }
        }
        actions.drive(lg, d != null && me.equals(d.node()));
    }

    /** Withdraws the claim if a rival comes first in ha.cf; starts once every peer has confirmed it. */
    private void advanceClaim(LocalGroup lg, List<StateReport> view, Placement.Decision d) {
        String rival = betterRival(lg, view);
        if (rival != null) {
            lg.dropClaim();
            ctx.event(Level.INFO, EventKind.PLACEMENT, lg.name(), rival + " claims " + lg.name()
                    + " too and comes first in ha.cf: " + me + " withdraws its claim");
        } else if (claimConfirmed(lg, view) && !fencing.owed(lg.name()) && lg.disagreement() == null) {
            lg.claimConfirmed(d.reason());
            ctx.event(Level.INFO, EventKind.PLACEMENT, lg.name(), "starting " + lg.name() + " on " + me + ": " + d.reason());
        }
    }

    private String localStopReason(LocalGroup lg, boolean quorum) {
        if (stall.stalled()) {
            return stall.reason();
        }
        if (!quorum && cluster.leaseForbids()) {
            return "no quorum lease (a quorum stopped confirming this node's heartbeats)";
        }
        if (!quorum) {
            return "no quorum (" + cluster.quorumMembers().size() + " of " + ctx.cfg().nodes().size() + " nodes)";
        }
        for (int i = 0; i < lg.size(); i++) {
            Failcounts.Key k = new Failcounts.Key(lg.name(), lg.word(i));
            if (failcounts.banned(k, lg.policy(i))) {
                return me + " reached the failure threshold for " + lg.word(i) + " (" + failcounts.count(k) + " of "
                        + lg.policy(i).threshold() + " within " + fmt(lg.policy(i).window()) + ")";
            }
        }
        return null;
    }

    /**
     * Why this node gives the group away, if it is in standby for it. Not a local stop reason: a
     * standby is a planned move, so the group keeps running until the node taking it over claims
     * it, and the release then confirms that claim (a SIGTERM's graceful stop goes this way too).
     */
    private String standbyReason(LocalGroup lg) {
        return operators.standby().covers(lg.spec(), me) ? me + " is in standby (" + operators.standby().word() + ")" : null;
    }

    /** The placement's new owner claims the group, or already runs it (a healed split brain), or is not in the view. */
    private boolean newOwnerClaims(LocalGroup lg, List<StateReport> view, String target) {
        for (StateReport r : view) {
            if (r.node().equals(target)) {
                GroupPhase p = r.phase(lg.name());
                return p == GroupPhase.CLAIMING || p.isActive();
            }
        }
        return true;
    }

    private String betterRival(LocalGroup lg, List<StateReport> view) {
        for (StateReport r : view) {
            if (!r.node().equals(me) && r.phase(lg.name()) == GroupPhase.CLAIMING
                    && ctx.cfg().nodeIndex(r.node()) < ctx.cfg().nodeIndex(me)) {
                return r.node();
            }
        }
        return null;
    }

    /** Every alive peer has sent a report, after seeing our claim, in which it neither holds nor claims the group. */
    private boolean claimConfirmed(LocalGroup lg, List<StateReport> view) {
        for (StateReport r : view) {
            if (r.node().equals(me)) {
                continue;
            }
            if (!r.ready() || !r.hasSeen(me, ctx.incarnation, lg.claimSeq()) || r.phase(lg.name()) != GroupPhase.STOPPED) {
                return false;
            }
        }
        return true;
    }

    /**
     * A claim starts only on an agreed membership: no peer in the view still sees a node this node
     * has lost. Such a node may be alive and running the group on its side of a one-sided cut
     * (n2 and n3 cannot hear each other, n1 hears both: n1's confirmation says nothing about n3),
     * so the takeover waits until every confirming peer has lost it too, or it is back here. After a
     * crash that costs the spread between the survivors' detection of it (docs/split-brain.md).
     * Logs the wait once per disagreement. Called while claiming: the result holds for this decision
     * ({@link LocalGroup#disagreement}).
     */
    private boolean membershipAgreed(LocalGroup lg, List<StateReport> view) {
        String disagreement = null;
        for (StateReport r : view) {
            // Names outside this ha.cf (a peer configured with another one) cannot be agreed on: ignored.
            List<String> lost = r.node().equals(me) ? List.of() : r.members().stream()
                    .map(n -> n.toLowerCase(Locale.ROOT)).filter(n -> ctx.cfg().nodes().contains(n) && !cluster.members().contains(n))
                    .toList();
            if (!lost.isEmpty()) {
                disagreement = r.node() + " still sees " + String.join(", ", lost);
                break;
            }
        }
        if (disagreement != null && !disagreement.equals(lg.disagreement())) {
            ctx.event(Level.INFO, EventKind.QUORUM, lg.name(), "not starting " + lg.name() + " on " + me + ": "
                    + disagreement + ", which " + me + " has lost (a one-sided cut, or detection not done on every "
                    + "node yet); it starts once every peer agrees");
        }
        lg.noteDisagreement(disagreement);
        return disagreement == null;
    }

    private void setGoal(LocalGroup lg, Goal goal, String reason) {
        if (lg.aim(goal, reason)) {
            if (goal == Goal.STOP) {
                ctx.event(Level.INFO, EventKind.PLACEMENT, lg.name(), "stopping " + lg.name() + " on " + me + ": " + reason);
            } else if (goal == Goal.RUN) {
                ctx.event(Level.INFO, EventKind.PLACEMENT, lg.name(), lg.name() + " stays on " + me + ": " + reason);
            }
        }
    }
}
