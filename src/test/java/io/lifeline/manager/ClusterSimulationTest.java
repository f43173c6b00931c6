package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Several managers talking over an in-memory network with simulated agents. The safety invariant
 * "no group ever runs on two nodes" is checked after every single event while the network is
 * whole; after partitions heal, exactly one node must be left running each group.
 */
class ClusterSimulationTest {

    static final List<ResourceGroup> GROUPS = List.of(
            SimCluster.group("node1", "web", "nginx"),
            SimCluster.group("node2", "db", "pgsql", "backup"),
            SimCluster.group("node3", "lb", "haproxy"));

    static SimCluster cluster(long seed, AutoFailback fb) {
        SimCluster c = new SimCluster(seed, List.of("node1", "node2", "node3"), GROUPS, fb,
                ManagerSettings.defaults().withReportInterval(Duration.ofSeconds(2)));
        return c;
    }

    static void neverOnTwoNodes(SimCluster c) {
        for (ResourceGroup g : GROUPS) {
            List<String> owners = c.owners(g.name());
            if (owners.size() > 1) {
                fail(g.name() + " runs on " + owners + " at t=" + c.now + "\n" + c.dump());
            }
        }
    }

    static void assertEachGroupRunsExactlyOnce(SimCluster c, String when) {
        for (ResourceGroup g : GROUPS) {
            assertEquals(1, c.fullOwners(g.name()).size(), g.name() + " " + when + "\n" + c.dump());
            assertEquals(c.owners(g.name()), c.fullOwners(g.name()), "no half-started copies\n" + c.dump());
        }
    }

    /** Resource starts over the whole run, on all nodes. */
    static long starts(SimCluster c) {
        long n = c.nodes.values().stream().mapToLong(x -> x.actionLog.stream().filter(l -> l.contains(" start ")).count()).sum();
        return n;
    }

    @Test
    void startupPlacesEveryGroupOnItsHomeNode() {
        SimCluster c = cluster(1, AutoFailback.ON);
        c.invariant(ClusterSimulationTest::neverOnTwoNodes);
        c.bootAll();
        c.runFor(10_000);
        assertEquals(List.of("node1"), c.fullOwners("web"));
        assertEquals(List.of("node2"), c.fullOwners("db"));
        assertEquals(List.of("node3"), c.fullOwners("lb"));
    }

    @Test
    void plannedMovesNeverOverlap() {
        for (long seed = 1; seed <= 40; seed++) {
            SimCluster c = cluster(seed, seed % 2 == 0 ? AutoFailback.ON : AutoFailback.OFF);
            c.invariant(ClusterSimulationTest::neverOnTwoNodes);
            c.bootAll();
            c.runFor(10_000);
            Random r = new Random(seed * 31);
            List<String> nodes = c.names;
            for (int step = 0; step < 25; step++) {
                String n = nodes.get(r.nextInt(nodes.size()));
                String g = GROUPS.get(r.nextInt(GROUPS.size())).name();
                switch (r.nextInt(6)) {
                    case 0 -> c.command(n, new OperatorCommand.Failover(g, Optional.empty()));
                    case 1 -> c.command(n, new OperatorCommand.Failover(g, Optional.of(nodes.get(r.nextInt(3)))));
                    case 2 -> c.command(n, new OperatorCommand.TakeoverGroup(g));
                    case 3 -> c.command(n, new OperatorCommand.Standby(GroupScope.values()[1 + r.nextInt(3)]));
                    case 4 -> c.command(n, new OperatorCommand.Online());
                    default -> c.connectivity(n, r.nextInt(3));
                }
                c.runFor(r.nextInt(4_000));
            }
            for (String n : nodes) {
                c.command(n, new OperatorCommand.Online());
                c.connectivity(n, 1);
            }
            c.runFor(20_000);
            assertEachGroupRunsExactlyOnce(c, "after random planned moves (seed " + seed + ")");
            assertTrue(starts(c) >= 12, "the random commands really moved groups: " + starts(c) + " starts");
        }
    }

    @Test
    void crashesRestartsAndFailuresNeverOverlap() {
        for (long seed = 1; seed <= 40; seed++) {
            SimCluster c = cluster(seed, seed % 2 == 0 ? AutoFailback.ON : AutoFailback.OFF);
            c.invariant(ClusterSimulationTest::neverOnTwoNodes);
            c.bootAll();
            c.runFor(10_000);
            Random r = new Random(seed * 17);
            for (int step = 0; step < 15; step++) {
                ResourceGroup g = GROUPS.get(r.nextInt(GROUPS.size()));
                List<String> owners = c.fullOwners(g.name());
                String owner = owners.isEmpty() ? c.names.get(r.nextInt(3)) : owners.get(0);
                SimCluster.Node node = c.nodes.get(owner);
                switch (r.nextInt(4)) {
                    case 0, 1 -> {
                        if (c.nodes.values().stream().filter(SimCluster.Node::up).count() > 1 && node.up()) {
                            c.crash(owner);
                            c.runFor(SimCluster.DETECTION_MS + 500 + r.nextInt(3_000));
                            c.restart(owner);
                        }
                    }
                    case 2 -> node.inject.put("monitor " + g.name() + "/"
                            + g.resources().get(r.nextInt(g.resources().size())).word(), OcfStatus.NOT_RUNNING);
                    default -> c.nodes.get(c.names.get(r.nextInt(3))).inject.put("start " + g.name() + "/"
                            + g.resources().get(r.nextInt(g.resources().size())).word(), OcfStatus.ERR_GENERIC);
                }
                c.runFor(1_000 + r.nextInt(6_000));
            }
            for (String n : c.names) {
                c.command(n, new OperatorCommand.Cleanup(Optional.empty()));
            }
            c.runFor(30_000);
            assertEachGroupRunsExactlyOnce(c, "after crashes and failures (seed " + seed + ")");
            assertTrue(starts(c) >= 12, "the crashes and failures really moved groups: " + starts(c) + " starts");
        }
    }

    @Test
    void splitBrainHealLeavesExactlyOneOwner() {
        for (long seed = 1; seed <= 30; seed++) {
            SimCluster c = new SimCluster(seed, List.of("node1", "node2"), List.of(GROUPS.get(0), GROUPS.get(1)),
                    seed % 2 == 0 ? AutoFailback.ON : AutoFailback.OFF, ManagerSettings.defaults());
            c.bootAll();
            c.runFor(10_000);
            c.partition(List.of("node1"), List.of("node2"));
            c.runFor(8_000);
            assertEquals(List.of("node1", "node2"), c.fullOwners("web"), "a real split brain while partitioned");
            c.heal();
            c.runFor(10_000);
            assertEquals(1, c.fullOwners("web").size(), c.dump());
            assertEquals(1, c.fullOwners("db").size(), c.dump());
            assertEquals(List.of("node1"), c.fullOwners("web"), "the deterministic rule: web's home keeps it");
            long reannounced = c.nodes.get("node1").actionLog.stream().filter(l -> l.endsWith("reannounce web")).count();
            assertEquals(1, reannounced, "the keeper re-announces web once\n" + c.dump());
        }
    }

    @Test
    void minorityPartitionStopsAndMajorityTakesOver() {
        for (long seed = 1; seed <= 20; seed++) {
            SimCluster c = cluster(seed, AutoFailback.ON);
            c.bootAll();
            c.runFor(10_000);
            c.partition(List.of("node1", "node2"), List.of("node3"));
            c.runFor(10_000);
            assertEquals(List.of("node1"), c.fullOwners("web"));
            assertEquals(List.of("node2"), c.fullOwners("db"));
            assertEquals(1, c.fullOwners("lb").size());
            assertTrue(c.nodes.get("node3").host.isEmpty(), "node3 has no quorum\n" + c.dump());
            c.heal();
            c.runFor(15_000);
            assertEachGroupRunsExactlyOnce(c, "after heal (seed " + seed + ")");
            assertEquals(List.of("node3"), c.fullOwners("lb"), "failback to node3");
        }
    }

    @Test
    void frozenNodeReleasesItsGroupsAndTheClusterConverges() {
        for (long seed = 1; seed <= 20; seed++) {
            SimCluster c = new SimCluster(seed, List.of("node1", "node2"), List.of(GROUPS.get(0), GROUPS.get(1)),
                    AutoFailback.OFF, ManagerSettings.defaults());
            c.bootAll();
            c.runFor(10_000);
            c.freeze("node1", 5_000);
            c.runFor(5_001);
            SimCluster.Node n1 = c.nodes.get("node1");
            List<String> after = n1.actionLog.stream().filter(l -> Long.parseLong(l.split(" ")[0]) >= n1.frozenUntil)
                    .map(l -> l.substring(l.indexOf(' ') + 1)).toList();
            assertTrue(!after.isEmpty() && after.get(0).startsWith("stop "), "first thing after the stall: stop\n" + after);
            c.runFor(15_000);
            assertEquals(List.of("node2"), c.fullOwners("web"), "node2 took web over; node1 released it\n" + c.dump());
            assertEquals(1, c.fullOwners("db").size());
            assertEquals(List.of(), c.owners("web").stream().filter(o -> !o.equals("node2")).toList());
        }
    }
}
