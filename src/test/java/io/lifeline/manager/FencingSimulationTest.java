package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two nodes with fence_peers on, in the whole-cluster simulation: partitions, long freezes and
 * crashes in random order, fence devices that sometimes fail. After every event no group may run
 * on two nodes (a resource counts from its start's issue until its stop completes): without
 * fencing, the same partitions put every group on both sides (ClusterSimulationTest).
 */
class FencingSimulationTest {

    static final List<ResourceGroup> GROUPS = List.of(
            SimCluster.group("node1", "web", "nginx"),
            SimCluster.group("node2", "db", "pgsql"));

    static SimCluster cluster(long seed, boolean fencing) {
        ManagerSettings s = ManagerSettings.defaults().withReportInterval(Duration.ofSeconds(2));
        if (fencing) {
            s = s.withFenceHook(Path.of("/usr/sbin/fence_lab"))
                    .withFencing(new FencingSettings(true, Duration.ofSeconds(20), Map.of()));
        }
        return new SimCluster(seed, List.of("node1", "node2"), GROUPS,
                seed % 2 == 0 ? AutoFailback.ON : AutoFailback.OFF, s);
    }

    static void neverOnTwoNodes(SimCluster c) {
        for (ResourceGroup g : GROUPS) {
            List<String> owners = c.owners(g.name());
            if (owners.size() > 1) {
                throw new AssertionError(g.name() + " runs on " + owners + " at t=" + c.now + "\n" + c.dump());
            }
        }
    }

    /** The fault program of one seed: random partitions, long freezes and crashes; fenced and crashed nodes reboot. */
    static SimCluster runFaults(long seed, boolean fencing) {
        SimCluster c = cluster(seed, fencing);
        c.invariant(FencingSimulationTest::neverOnTwoNodes);
        c.bootAll();
        c.runFor(10_000);
        Random r = new Random(seed * 31);
        for (int step = 0; step < 8; step++) {
            String victim = c.names.get(r.nextInt(2));
            c.failingFences = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0;
            switch (r.nextInt(3)) {
                case 0 -> {
                    c.partition(List.of("node1"), List.of("node2"));
                    c.runFor(SimCluster.DETECTION_MS + r.nextInt(12_000));
                    c.heal();
                }
                case 1 -> {
                    if (c.nodes.get(victim).up()) {
                        c.freeze(victim, SimCluster.DETECTION_MS + 500 + r.nextInt(8_000));
                    }
                }
                default -> {
                    if (c.nodes.get(victim).up()) {
                        c.crash(victim);
                    }
                }
            }
            c.runFor(3_000 + r.nextInt(12_000));
            for (String n : c.names) {
                if (!c.nodes.get(n).up()) { // fenced or crashed: it reboots
                    c.restart(n);
                }
            }
            c.runFor(5_000 + r.nextInt(5_000));
        }
        c.failingFences = 0;
        c.runFor(40_000);
        return c;
    }

    @Test
    void withFencingNoFaultPutsAGroupOnTwoNodes() {
        long fencesRun = 0;
        for (long seed = 1; seed <= 40; seed++) {
            SimCluster c = runFaults(seed, true);
            for (ResourceGroup g : GROUPS) {
                assertEquals(1, c.fullOwners(g.name()).size(), g.name() + " (seed " + seed + ")\n" + c.dump());
            }
            fencesRun += c.fences;
        }
        assertTrue(fencesRun >= 40, "the faults really needed fencing: " + fencesRun + " fences run");
    }

    /**
     * Fence races (two nodes, each holding a group, fully partitioned: each fences the other).
     * Without a delay the race is won by chance: whichever device acts first (50-500 ms here; a
     * fencer powered off before its device acted never gave the order, so the simulation never
     * fences both, as a real pair can). With {@code fence_delay node1=3s} node2 waits 3 s before
     * fencing node1, by which time node1's fence has powered node2 off: node1 wins every race.
     */
    @Test
    void aFenceDelayDecidesEveryFenceRace() {
        int node1LostWithout = 0;
        for (long seed = 1; seed <= 20; seed++) {
            node1LostWithout += fenceRace(seed, Map.of()).contains("node1") ? 1 : 0;
            assertEquals(List.of("node2"), fenceRace(seed, Map.of("node1", Duration.ofSeconds(3))),
                    "with fence_delay node1=3s only node2 is fenced (seed " + seed + ")");
        }
        assertTrue(node1LostWithout >= 3, "races node1 lost without a delay: " + node1LostWithout + " of 20");
    }

    /** The nodes fenced in one full partition of a pair that each holds a group. */
    private static List<String> fenceRace(long seed, Map<String, Duration> delays) {
        ManagerSettings s = ManagerSettings.defaults().withReportInterval(Duration.ofSeconds(2))
                .withFenceHook(Path.of("/usr/sbin/fence_lab"))
                .withFencing(new FencingSettings(true, Duration.ofSeconds(20), Map.of(), delays));
        SimCluster c = new SimCluster(seed, List.of("node1", "node2"), GROUPS, AutoFailback.ON, s);
        c.invariant(FencingSimulationTest::neverOnTwoNodes);
        c.bootAll();
        c.runFor(10_000);
        assertEquals(List.of("node1"), c.fullOwners("web"));
        assertEquals(List.of("node2"), c.fullOwners("db"));
        c.partition(List.of("node1"), List.of("node2"));
        c.runFor(SimCluster.DETECTION_MS + 6_000);
        return c.log.stream().filter(l -> l.contains(" fences ")).map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .sorted().toList();
    }

    /** The control experiment: the same faults without fencing do put groups on two nodes. */
    @Test
    void withoutFencingTheSameFaultsOverlap() {
        int overlapping = 0;
        for (long seed = 1; seed <= 40; seed++) {
            try {
                runFaults(seed, false);
            } catch (AssertionError overlap) {
                overlapping++;
            }
        }
        assertTrue(overlapping >= 20, "seeds with a group on two nodes without fencing: " + overlapping + " of 40");
    }
}
