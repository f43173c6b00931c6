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
