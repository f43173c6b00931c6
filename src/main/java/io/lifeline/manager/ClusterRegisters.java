package io.lifeline.manager;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Cluster-wide operator decisions, replicated by gossip in every state report and merged
 * last-writer-wins by {@link Stamp}: each node adopts the newest value it has seen, so a
 * decision survives the node that accepted it and every node converges on the same values.
 *
 * @param pins        operator moves (takeover / failover): group to node; a pin with a null
 *                    node is a cleared pin (kept so that the clearing wins over older pins)
 * @param maintenance maintenance mode and when it was last set
 * @param cleanups    per cleanup scope (a resource word, a group name, or "*"), the newest
 *                    cleanup request; failures and blocks older than it are forgotten
 */
public record ClusterRegisters(Map<String, Pin> pins, Flag maintenance, Map<String, Stamp> cleanups) {

    public static final String ALL_RESOURCES = "*";

    public static final ClusterRegisters EMPTY =
            new ClusterRegisters(Map.of(), new Flag(false, Stamp.ZERO), Map.of());

    /** @param node the node the group should move to, or null once the pin is cleared */
    public record Pin(String node, Stamp stamp) {
    }

    public record Flag(boolean on, Stamp stamp) {
    }

    public ClusterRegisters {
        pins = Map.copyOf(pins);
        cleanups = Map.copyOf(cleanups);
    }

    public Optional<String> pinnedNode(String group) {
        Pin p = pins.get(group);
        return p == null ? Optional.empty() : Optional.ofNullable(p.node());
    }

    public ClusterRegisters merge(ClusterRegisters other) {
        Map<String, Pin> mergedPins = new HashMap<>(pins);
        other.pins.forEach((g, p) -> mergedPins.merge(g, p, (a, b) -> b.stamp().isAfter(a.stamp()) ? b : a));
        Map<String, Stamp> mergedCleanups = new HashMap<>(cleanups);
        other.cleanups.forEach((k, s) -> mergedCleanups.merge(k, s, (a, b) -> b.isAfter(a) ? b : a));
        Flag m = other.maintenance.stamp().isAfter(maintenance.stamp()) ? other.maintenance : maintenance;
        return new ClusterRegisters(mergedPins, m, mergedCleanups);
    }

    public ClusterRegisters withPin(String group, String node, Stamp stamp) {
        Map<String, Pin> p = new HashMap<>(pins);
        p.put(group, new Pin(node, stamp));
        return new ClusterRegisters(p, maintenance, cleanups);
    }

    public ClusterRegisters withMaintenance(boolean on, Stamp stamp) {
        return new ClusterRegisters(pins, new Flag(on, stamp), cleanups);
    }

    public ClusterRegisters withCleanup(String scope, Stamp stamp) {
        Map<String, Stamp> c = new HashMap<>(cleanups);
        c.put(scope, stamp);
        return new ClusterRegisters(pins, maintenance, c);
    }
}
