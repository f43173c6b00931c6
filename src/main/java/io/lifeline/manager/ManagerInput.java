package io.lifeline.manager;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that can happen to the manager. The adapters (cluster layer, agent executor,
 * control socket, timers) turn what they see into these and feed them, one at a time, to
 * {@link ResourceManager#handle}.
 */
public sealed interface ManagerInput {

    /**
     * The cluster layer's current membership: nodes that are alive and reachable from here
     * (including this node). {@code merge} marks a view that joins partitions (JGroups MergeView).
     * {@code epoch} numbers the cluster layer's snapshots (0: not from the cluster layer, e.g. a
     * test); it may repeat the previous set of members, which is still news (a re-formed view).
     */
    record MembershipChanged(List<String> members, boolean merge, long epoch, java.util.Map<String, String> causes)
            implements ManagerInput {
        /**
         * @param causes why each node that is not a member is gone, as the cluster layer knows it:
         *               {@code failed} (silent on every link), {@code left} (announced a clean
         *               shutdown), {@code never_seen}; used in the events only
         */
        public MembershipChanged {
            members = List.copyOf(members);
            causes = causes == null ? java.util.Map.of() : java.util.Map.copyOf(causes);
        }

        public MembershipChanged(List<String> members, boolean merge, long epoch) {
            this(members, merge, epoch, java.util.Map.of());
        }

        public MembershipChanged(List<String> members, boolean merge) {
            this(members, merge, 0);
        }
    }

    /** A peer's state report arrived (authenticated by the cluster layer). */
    record PeerReport(StateReport report) implements ManagerInput {
    }

    /**
     * An agent action emitted earlier as {@code opId} finished.
     *
     * @param conflict      the action was refused because another host holds the resource (see
     *                      {@link AgentResult#conflict()}): evidence of a live holder, not a failure
     * @param configChanged a monitor found the resource running with a configuration that changed
     *                      since it was loaded (see {@link AgentResult#configChanged()})
     */
    record ActionCompleted(long opId, OcfStatus status, String message, long durationMs, boolean conflict,
            boolean configChanged) implements ManagerInput {

        public ActionCompleted(long opId, OcfStatus status, String message, long durationMs, boolean conflict) {
            this(opId, status, message, durationMs, conflict, false);
        }

        public ActionCompleted(long opId, OcfStatus status, String message, long durationMs) {
            this(opId, status, message, durationMs, false, false);
        }

        /** The agent's result for {@code opId}, its flags included. */
        public static ActionCompleted of(long opId, AgentResult result, long durationMs) {
            return new ActionCompleted(opId, result.status(), result.message(), durationMs, result.conflict(),
                    result.configChanged());
        }
    }

    /**
     * A {@link ManagerAction.RunPeerFence} emitted earlier as {@code fenceId} finished.
     *
     * @param success  the hook exited 0: the peer is fenced
     * @param exitCode the hook's exit status, or -1 if it did not exit (timeout, could not run)
     * @param detail   why it failed: its first stderr line, or how it ended; empty on success
     */
    record FenceCompleted(long fenceId, boolean success, int exitCode, String detail, long durationMs)
            implements ManagerInput {
    }

    /** Time passed; lets timers (monitors, failcount expiry, periodic reports) fire. */
    record Tick() implements ManagerInput {
    }

    /** The number of ping targets this node reaches changed. */
    record ConnectivityChanged(int score) implements ManagerInput {
    }

    /** An operator command; the answer comes back as {@link ManagerAction.AnswerCommand} with the same id. */
    record Command(long requestId, OperatorCommand command) implements ManagerInput {
    }

    /**
     * The stall watchdog found that this process did not run for {@code frozenMs}.
     * {@code membershipEpoch} is the cluster layer's latest snapshot epoch when the stall was
     * seen: only a {@link MembershipChanged} with a later epoch is news from after the freeze
     * (0: unknown, any membership counts).
     */
    record StallDetected(long frozenMs, long membershipEpoch) implements ManagerInput {
        public StallDetected(long frozenMs) {
            this(frozenMs, 0);
        }
    }

    /**
     * The configuration was re-read and validated (hactl reload, SIGHUP): apply the difference to
     * the groups ({@link ConfigDiff}). The answer comes back as {@link ManagerAction.AnswerCommand}
     * with {@code requestId}. {@code config} must keep this node's name and the ha.cf node list
     * (the cluster's links cannot change them without a restart).
     */
    record ConfigReloaded(long requestId, ManagerConfig config, Map<String, Set<String>> reloadable)
            implements ManagerInput {
        /**
         * @param reloadable for each resource word of {@code config} whose agent can reload in
         *                   place, the parameters a reload applies (OCF meta-data, read by the
         *                   daemon); see {@link ConfigDiff#reloadInPlace}
         */
        public ConfigReloaded {
            reloadable = reloadable == null ? Map.of() : Map.copyOf(reloadable); // null: a journal dump written before this field
        }

        /** A reload whose agents reload nothing in place (every changed group restarts). */
        public ConfigReloaded(long requestId, ManagerConfig config) {
            this(requestId, config, Map.of());
        }
    }

    /**
     * A reload found the configuration invalid and changed nothing; recorded as an event so that
     * {@code hactl events} shows it next to what happened meanwhile.
     *
     * @param trigger  what asked for the reload ("hactl reload", "SIGHUP")
     * @param problems every error, as {@code file:line: error: message}
     */
    record ConfigRejected(String trigger, List<String> problems) implements ManagerInput {
        public ConfigRejected {
            problems = List.copyOf(problems);
        }
    }

    /**
     * Something about the configuration across nodes worth an event of kind CONFIG (a peer's
     * configuration differs or agrees again, files propagated): recorded, nothing decided.
     */
    record ConfigNotice(boolean warning, String message) implements ManagerInput {
    }

    /**
     * The daemon's quorum-lease timer (docs/leases.md): whether this node still holds a lease
     * that a quorum confirmed, with room to stop everything it runs before the lease ends. Not
     * held: no group may run here, exactly as without quorum, and every group stops now so it is
     * down when the lease ends. Until the first one arrives the manager applies no lease (a pair,
     * a test, {@code quorum_lease off}).
     *
     * @param held     a quorum's confirmations keep the lease beyond the stop budget
     * @param endsAtMs when the lease ends (or ended) on the manager's monotonic clock; -1: never held
     * @param why      what the timer saw, for the event ("no quorum confirmation for 310 ms")
     */
    record QuorumLeaseChanged(boolean held, long endsAtMs, String why) implements ManagerInput {
    }

    /** ha.cf initdead passed since start: place groups even if not every node has shown up. */
    record InitdeadElapsed() implements ManagerInput {
    }
}
