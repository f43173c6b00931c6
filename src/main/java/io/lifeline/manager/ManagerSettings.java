package io.lifeline.manager;

import io.lifeline.manager.notify.NotifyHook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manager's Lifeline-only settings from ha.cf (see docs/manager.md for the syntax). Plain
 * Heartbeat configurations get {@link #defaults()}.
 *
 * @param resourceDefaults  policy for every resource without its own {@code monitor} directive
 * @param resourcePolicies  per haresources word, already merged over the defaults
 * @param failbackDelay     how long a group must have run on its current node before automatic
 *                          failback may move it home; operator commands ignore it
 * @param stallThreshold    a freeze at least this long makes the node release everything;
 *                          empty means "ha.cf deadtime"
 * @param stallRejoinWait   after a stall, how long to wait for a new membership before the
 *                          node trusts its old view again
 * @param reportInterval    state reports are re-sent at least this often (anti-entropy)
 * @param fenceHook         run when a stop fails, to fence (e.g. reboot) this node; with
 *                          {@code fencing.peers()} also against a peer that died holding groups
 * @param tieBreaker        which half of an even split keeps quorum ({@link TieBreaker#NONE}: neither)
 * @param fencing           fencing of peers, the hook's timeout and fence-agent options
 * @param arbiters          nodes that vote and never run a group ({@code arbiter NODE}; docs/split-brain.md)
 * @param quorumLease       {@code quorum_lease on}: with quorum rules in force (3 or more nodes,
 *                          {@code no_quorum_policy stop}), groups run only while this node holds a
 *                          quorum lease, and stop before it ends (docs/leases.md)
 */
public record ManagerSettings(
        ResourcePolicy resourceDefaults,
        Map<String, ResourcePolicy> resourcePolicies,
        NoQuorumPolicy noQuorumPolicy,
        Duration failbackDelay,
        Optional<Duration> stallThreshold,
        Duration stallRejoinWait,
        Duration reportInterval,
        List<NotifyHook> notifyHooks,
        Optional<Path> fenceHook,
        int eventLogSize,
        TieBreaker tieBreaker,
        FencingSettings fencing,
        java.util.Set<String> arbiters,
        boolean quorumLease) {

    public ManagerSettings {
        resourcePolicies = Map.copyOf(resourcePolicies);
        notifyHooks = List.copyOf(notifyHooks);
        fencing = fencing == null ? FencingSettings.OFF : fencing; // journals written before fencing had none
        tieBreaker = tieBreaker == null ? TieBreaker.NONE : tieBreaker; // nor a tie-breaker
        arbiters = arbiters == null ? java.util.Set.of() : java.util.Set.copyOf(arbiters); // nor arbiters
        if (eventLogSize < 1) {
            throw new IllegalArgumentException("event log size must be positive");
        }
    }

    public static ManagerSettings defaults() {
        return new ManagerSettings(ResourcePolicy.DEFAULT, Map.of(), NoQuorumPolicy.STOP, Duration.ZERO,
                Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(5), List.of(),
                Optional.empty(), 1000, TieBreaker.NONE, FencingSettings.OFF, java.util.Set.of(), true);
    }

    public ResourcePolicy policyFor(String resourceWord) {
        return resourcePolicies.getOrDefault(resourceWord, resourceDefaults);
    }

    public ManagerSettings withResourceDefaults(ResourcePolicy p) {
        return new ManagerSettings(p, resourcePolicies, noQuorumPolicy, failbackDelay, stallThreshold,
                stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withResourcePolicies(Map<String, ResourcePolicy> p) {
        return new ManagerSettings(resourceDefaults, p, noQuorumPolicy, failbackDelay, stallThreshold,
                stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withNoQuorumPolicy(NoQuorumPolicy p) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, p, failbackDelay, stallThreshold,
                stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withFailbackDelay(Duration d) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, d, stallThreshold,
                stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withStallThreshold(Duration d) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                Optional.of(d), stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    /**
     * These settings with {@code bound} as the stall threshold unless ha.cf gave one: the daemon's
     * default comes from the running timers (the cluster layer's stall bound), at start and reload.
     */
    public ManagerSettings withDefaultStallThreshold(Duration bound) {
        return stallThreshold.isPresent() ? this : withStallThreshold(bound);
    }

    public ManagerSettings withStallRejoinWait(Duration d) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, d, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withReportInterval(Duration d) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, d, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withNotifyHooks(List<NotifyHook> hooks) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, reportInterval, hooks, fenceHook, eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withFenceHook(Path hook) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, reportInterval, notifyHooks, Optional.of(hook), eventLogSize, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withEventLogSize(int size) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, reportInterval, notifyHooks, fenceHook, size, tieBreaker, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withTieBreaker(TieBreaker t) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, t, fencing, arbiters, quorumLease);
    }

    public ManagerSettings withFencing(FencingSettings f) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, f, arbiters, quorumLease);
    }

    public ManagerSettings withArbiters(java.util.Set<String> a) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing,
                a, quorumLease);
    }

    public ManagerSettings withQuorumLease(boolean on) {
        return new ManagerSettings(resourceDefaults, resourcePolicies, noQuorumPolicy, failbackDelay,
                stallThreshold, stallRejoinWait, reportInterval, notifyHooks, fenceHook, eventLogSize, tieBreaker, fencing,
                arbiters, on);
    }

    /** Whether ha.cf's {@code arbiter} line names {@code node} (node names are case-insensitive, as in Heartbeat). */
    public boolean isArbiter(String node) {
        return arbiters.stream().anyMatch(a -> a.equalsIgnoreCase(node));
    }

    /** Whether a peer that died holding groups is fenced before they start here. */
    public boolean fencesPeers() {
        return fencing.peers() && fenceHook.isPresent();
    }
}
