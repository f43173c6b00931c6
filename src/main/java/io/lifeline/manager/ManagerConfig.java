package io.lifeline.manager;

import io.lifeline.config.AutoFailback;
import io.lifeline.config.HaCf;
import io.lifeline.config.Haresources;
import io.lifeline.config.ResourceGroup;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the manager needs to know; replaced as a whole by a reload (ConfigDiff). Node names are lower-cased as
 * Heartbeat does ({@code uname -n} compared case-insensitively); {@code nodes} keeps the ha.cf
 * order, which is the final tie-break of every deterministic choice.
 */
public record ManagerConfig(
        String localNode,
        List<String> nodes,
        List<ResourceGroup> groups,
        AutoFailback autoFailback,
        Duration deadtime,
        ManagerSettings settings) {

    public ManagerConfig {
        localNode = localNode.toLowerCase(Locale.ROOT);
        nodes = nodes.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        groups = groups.stream()
                .map(g -> new ResourceGroup(g.preferredNode().toLowerCase(Locale.ROOT), g.resources(), g.line()))
                .toList();
        if (!nodes.contains(localNode)) {
            throw new IllegalArgumentException("local node " + localNode + " is not a node in ha.cf " + nodes);
        }
        if (new HashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException("duplicate node names in " + nodes);
        }
        Set<String> names = new HashSet<>();
        for (ResourceGroup g : groups) {
            if (!names.add(g.name())) {
                throw new IllegalArgumentException("two groups are named " + g.name());
            }
        }
    }

    public static ManagerConfig from(HaCf haCf, Haresources haresources, String localNode, ManagerSettings settings) {
        return new ManagerConfig(localNode, haCf.nodes(), haresources.groups(), haCf.autoFailback(),
                haCf.deadtime(), settings);
    }

    /** The same configuration with other groups (a reload that keeps some groups' old definitions). */
    public ManagerConfig withGroups(List<ResourceGroup> otherGroups) {
        return new ManagerConfig(localNode, nodes, otherGroups, autoFailback, deadtime, settings);
    }

    /** Whether {@code node} votes and never runs a group ({@code arbiter}). */
    public boolean isArbiter(String node) {
        return settings.isArbiter(node);
    }

    /** Heartbeat's {@code legacy} behaves like {@code on} here. */
    public boolean failbackEnabled() {
        return autoFailback != AutoFailback.OFF;
    }

    public int nodeIndex(String node) {
        return nodes.indexOf(node);
    }

    public Optional<ResourceGroup> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    public Duration stallThreshold() {
        return settings.stallThreshold().orElse(deadtime);
    }

    /**
     * Quorum only applies with 3 or more nodes: in a pair, either half is as good as the other.
     * A strict majority has it; so has exactly half when it holds the tie-breaker node
     * ({@code auto_tie_breaker}).
     */
    public boolean hasQuorum(Collection<String> partition) {
        return nodes.size() < 3 || settings.noQuorumPolicy() == NoQuorumPolicy.IGNORE
                || partition.size() * 2 > nodes.size() || tieBrokenFor(partition);
    }

    /**
     * Whether the quorum lease binds this cluster (docs/leases.md): 3 or more nodes (an arbiter
     * counts), {@code no_quorum_policy stop} and {@code quorum_lease on}.
     */
    public boolean quorumLeaseEnforced() {
        return settings.quorumLease() && nodes.size() >= 3 && settings.noQuorumPolicy() == NoQuorumPolicy.STOP;
    }

    /** Whether {@code partition} is exactly half of the nodes and keeps quorum by the tie-breaker. */
    public boolean tieBrokenFor(Collection<String> partition) {
        return nodes.size() >= 4 && partition.size() * 2 == nodes.size()
                && settings.tieBreaker().favours(partition, nodes);
    }
}
