package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One-sided partitions in the whole-cluster simulation (docs/split-brain.md, "Quorum on an agreed
 * membership"): 3 and 4 nodes, one group homed on each, and in random order one-sided cuts (a
 * random bridge node keeps hearing everyone, a random set of the other pairs stop hearing each
 * other), crashes and restarts, standby and online, connectivity changes. After every event no
 * group may run on two nodes (a resource counts from its start's issue until its stop completes);
 * at the end, with every fault undone, each group runs on exactly one node.
 *
 * <p>The control experiment sends the same reports without the sender's membership (as nodes
 * built before that field): the old rules count quorum over what each node hears and let a
 * bridge confirm a takeover of a node it still hears, and the same faults put groups on two
 * nodes.
 */
class OneSidedPartitionSimulationTest {

    static final int SEEDS = 30;

    static List<ResourceGroup> groups(List<String> names) {
        List<ResourceGroup> g = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            g.add(SimCluster.group(names.get(i), "g" + (i + 1), "app" + (i + 1)));
        }
        return g;
    }

    static void neverOnTwoNodes(SimCluster c) {
        for (ResourceGroup g : c.groups) {
            List<String> owners = c.owners(g.name());
            if (owners.size() > 1) {
                throw new AssertionError(g.name() + " runs on " + owners + " at t=" + c.now + "\n" + c.dump());
            }
        }
    }

    static SimCluster runFaults(long seed, List<String> names, boolean legacyReports) {
        SimCluster c = new SimCluster(seed, names, groups(names), seed % 2 == 0 ? AutoFailback.ON : AutoFailback.OFF,
                ManagerSettings.defaults().withReportInterval(Duration.ofSeconds(2)));
        c.legacyReports = legacyReports;
        c.invariant(OneSidedPartitionSimulationTest::neverOnTwoNodes);
        c.bootAll();
        c.runFor(10_000);
        Random r = new Random(seed * 7919 + names.size());
        for (int step = 0; step < 12; step++) {
            String n = names.get(r.nextInt(names.size()));
            switch (r.nextInt(6)) {
                case 0, 1, 2 -> {
                    oneSidedCut(c, r);
                    c.runFor(SimCluster.DETECTION_MS + r.nextInt(10_000));
                    c.heal();
                }
                case 3 -> {
                    if (c.nodes.get(n).up() && c.nodes.values().stream().filter(SimCluster.Node::up).count() > 1) {
                        c.crash(n);
                        c.runFor(SimCluster.DETECTION_MS + r.nextInt(4_000));
                        c.restart(n);
                    }
                }
                case 4 -> c.command(n, r.nextBoolean() ? new OperatorCommand.Standby(GroupScope.ALL)
                        : new OperatorCommand.Online());
                default -> c.connectivity(n, r.nextInt(2));
            }
            c.runFor(500 + r.nextInt(6_000));
        }
        c.heal();
        c.runFor(3_000);
        for (String n : names) {
            if (!c.nodes.get(n).up()) {
                c.restart(n);
            }
        }
        c.runFor(3_000);
        for (String n : names) {
            c.command(n, new OperatorCommand.Online());
            c.connectivity(n, 0);
        }
        c.runFor(40_000);
        return c;
    }

    /**
     * A random bridge keeps hearing every node; of the pairs of the others, a random non-empty set
     * stop hearing each other (with 3 nodes: the one pair). Crashed nodes are left out.
     */
    private static void oneSidedCut(SimCluster c, Random r) {
        List<String> up = c.names.stream().filter(x -> c.nodes.get(x).up()).toList();
        if (up.size() < 3) {
            return;
        }
        List<String> others = new ArrayList<>(up);
        others.remove(r.nextInt(others.size())); // the bridge
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
            for (int j = i + 1; j < others.size(); j++) {
                pairs.add(new String[] {others.get(i), others.get(j)});
            }
        }
        int mask = 1 + r.nextInt((1 << pairs.size()) - 1);
        for (int i = 0; i < pairs.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                c.cut(pairs.get(i)[0], pairs.get(i)[1]);
            }
        }
    }

    private static void noOverlapAndConverges(List<String> names) {
        long cuts = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SimCluster c = runFaults(seed, names, false);
            for (ResourceGroup g : c.groups) {
                assertEquals(1, c.fullOwners(g.name()).size(), g.name() + " (seed " + seed + ")\n" + c.dump());
                assertEquals(c.owners(g.name()), c.fullOwners(g.name()), "no half-started copies (seed " + seed + ")\n"
                        + c.dump());
            }
            cuts += c.log.stream().filter(l -> l.contains(" cut ")).count();
        }
        assertTrue(cuts >= SEEDS, "the faults really cut links: " + cuts);
    }

    private static int seedsWithOverlapOnTheOldRules(List<String> names) {
        int overlapping = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            try {
                runFaults(seed, names, true);
            } catch (AssertionError overlap) {
                overlapping++;
            }
        }
        return overlapping;
    }

    @Test
    void threeNodesRandomOneSidedCutsNeverPutAGroupOnTwoNodes() {
        noOverlapAndConverges(List.of("node1", "node2", "node3"));
    }

    @Test
    void fourNodesRandomOneSidedCutsNeverPutAGroupOnTwoNodes() {
        noOverlapAndConverges(List.of("node1", "node2", "node3", "node4"));
    }

    /** The control experiment: reports without the sender's membership (the old rules) overlap under the same faults. */
    @Test
    void withoutTheMembershipInReportsTheSameCutsOverlap() {
        int three = seedsWithOverlapOnTheOldRules(List.of("node1", "node2", "node3"));
        int four = seedsWithOverlapOnTheOldRules(List.of("node1", "node2", "node3", "node4"));
        System.out.println("one-sided cuts on the old rules: overlap in " + three + " of " + SEEDS
                + " seeds (3 nodes), " + four + " of " + SEEDS + " (4 nodes)");
        assertTrue(three >= SEEDS / 3 && four >= SEEDS / 3, "seeds with a group on two nodes on the old rules: "
                + three + " (3 nodes), " + four + " (4 nodes) of " + SEEDS);
    }
}
