package io.lifeline.manager;

import io.lifeline.config.ResourceGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one placement rule, a pure function of the alive nodes' state reports. Every node runs it
 * over the same reports and gets the same answer, which is why no leader is needed. In order:
 *
 * <ol>
 *   <li>A group blocked anywhere is placed nowhere until cleanup.</li>
 *   <li>Eligible nodes: alive, probed, not recovering from a stall, not an arbiter, not in standby
 *       for the group, not at the failure threshold for any of its resources.</li>
 *   <li>Only the nodes with the best connectivity score remain (ipfail: a node that reaches fewer
 *       ping targets never keeps or takes a group a better-connected node could run).</li>
 *   <li>An operator pin (takeover, failover) to one of those nodes wins. A pin never beats
 *       eligibility or connectivity: a pinned node that lost its ping nodes gives the group away
 *       like any other, and the pin, still set, brings it back once it is as well connected.</li>
 *   <li>auto_failback on: the home node, unless the group runs elsewhere and its holder still
 *       holds it back for failback_delay.</li>
 *   <li>Where it already runs (if it runs on several nodes after a split brain: the home node if
 *       it is one of them, else the first in ha.cf order).</li>
 *   <li>The home node, else the first in ha.cf order.</li>
 * </ol>
 */
final class Placement {

    /** @param node the chosen node, or null if the group must not run anywhere */
    record Decision(String node, String reason) {
        Optional<String> chosen() {
            return Optional.ofNullable(node);
        }
    }

    private Placement() {
    }

    /**
     * @param alive reports of the alive nodes in ha.cf order (this node's own state included)
     */
    static Decision place(ManagerConfig cfg, ResourceGroup group, List<StateReport> alive, ClusterRegisters registers) {
        return place(cfg, group, alive, registers, java.util.Set.of());
    }

    /**
     * @param setAside alive nodes not to consider (an operator's failover away from them)
     */
    static Decision place(ManagerConfig cfg, ResourceGroup group, List<StateReport> alive, ClusterRegisters registers,
                          java.util.Set<String> setAside) {
        String name = group.name();
        for (StateReport r : alive) {
            if (r.phase(name) == GroupPhase.BLOCKED) {
                return new Decision(null, name + " is blocked on " + r.node() + " until cleanup");
            }
        }
        List<String> excluded = new ArrayList<>();
        List<StateReport> candidates = new ArrayList<>();
        // an arbiter only votes: left out without a word in every reason
        for (StateReport r : alive.stream().filter(x -> !cfg.isArbiter(x.node())).toList()) {
            if (setAside.contains(r.node())) {
                excluded.add(r.node() + " is where it runs now");
            } else if (!r.ready()) {
                excluded.add(r.node() + " is still probing");
            } else if (r.recovering()) {
                excluded.add(r.node() + " is recovering from a stall");
            } else if (r.standby().covers(group, r.node())) {
                excluded.add(r.node() + " is in standby");
            } else if (r.bannedFor(name)) {
                excluded.add(r.node() + " reached the failure threshold for " + name);
            } else {
                candidates.add(r);
            }
        }
        String homeNode = group.preferredNode();
        if (alive.stream().noneMatch(r -> r.node().equals(homeNode))) {
            excluded.add(0, homeNode + " (home) is not in the membership");
        }
        if (candidates.isEmpty()) {
            return new Decision(null, "no eligible node" + details(excluded));
        }
        int best = candidates.stream().mapToInt(StateReport::score).max().orElseThrow();
        List<StateReport> top = new ArrayList<>();
        for (StateReport r : candidates) {
            if (r.score() == best) {
                top.add(r);
            } else {
                excluded.add(r.node() + " reaches fewer ping targets (" + r.score() + " < " + best + ")");
            }
        }
        Optional<String> pin = registers.pinnedNode(name);
        if (pin.isPresent()) {
            if (top.stream().anyMatch(r -> r.node().equals(pin.get()))) {
                return new Decision(pin.get(), "an operator moved " + name + " to " + pin.get() + details(excluded));
            }
            excluded.add("the operator's pin to " + pin.get() + " is set aside (" + pin.get()
                    + (candidates.stream().anyMatch(r -> r.node().equals(pin.get()))
                            ? " reaches fewer ping targets)" : " is not eligible)"));
        }
        String home = group.preferredNode();
        boolean homeOnTop = top.stream().anyMatch(r -> r.node().equals(home));
        List<StateReport> holders = top.stream().filter(r -> r.phase(name).isActive()).toList();
        boolean homeHolds = holders.stream().anyMatch(r -> r.node().equals(home));

        if (cfg.failbackEnabled() && homeOnTop) {
            Optional<StateReport> holdingBack = holders.stream()
                    .filter(r -> !r.node().equals(home) && r.groups().get(name).holdFailback()).findFirst();
            if (!homeHolds && holdingBack.isPresent()) {
                return new Decision(holdingBack.get().node(), name + " stays on " + holdingBack.get().node()
                        + " until failback_delay has passed" + details(excluded));
            }
            return new Decision(home, home + " is the home node of " + name + " (auto_failback on)" + details(excluded));
        }
        if (!holders.isEmpty()) {
            String keeper = homeHolds ? home : holders.get(0).node();
            String why = holders.size() > 1
                    ? name + " runs on " + holders.stream().map(StateReport::node).toList() + "; " + keeper
                            + " keeps it (" + (homeHolds ? "home node" : "first in ha.cf order") + ")"
                    : name + " stays where it runs" + (cfg.failbackEnabled() ? "" : " (auto_failback off)");
            return new Decision(keeper, why + details(excluded));
        }
        if (homeOnTop) {
            return new Decision(home, home + " is the home node of " + name + details(excluded));
        }
        String first = top.get(0).node();
        return new Decision(first, first + " is the first eligible node in ha.cf order" + details(excluded));
    }

    private static String details(List<String> excluded) {
        if (excluded.isEmpty()) {
            return "";
        }
        return "; " + String.join(", ", excluded);
    }
}
