package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random faults and commands against three managers, many seeds. {@link SimCluster} ticks each
 * node only at its manager's {@code nextTimerAtMs()}, as the daemon does, and checks the timer
 * contract after every input; the VIPs (web, db) are started with a duplicate-address probe, so
 * "a VIP is never on two hosts that have power" holds even across partitions and freezes unless a
 * start skipped the probe as a handover it was not. At the end every fault is undone and each group
 * must run on exactly one node.
 */
class RandomFaultSimulationTest {

    static final List<ResourceGroup> GROUPS = List.of(
            SimCluster.group("node1", "web", "nginx"),
            SimCluster.group("node2", "db", "pgsql"),
            SimCluster.group("node3", "lb", "haproxy"));
    static final List<String> VIPS = List.of("web", "db");
    static final int SEEDS = 60;

    static void vipNeverOnTwoHosts(SimCluster c) {
        for (String vip : VIPS) {
            List<String> holders = new ArrayList<>();
            for (SimCluster.Node n : c.nodes.values()) {
                if (!n.crashed && n.host.contains(vip + "/" + vip)) {
                    holders.add(n.name);
                }
            }
            if (holders.size() > 1) {
                fail("VIP of " + vip + " on " + holders + " at t=" + c.now + "\n" + c.dump());
            }
        }
    }

    @Test
    void randomFaultsKeepTheTimerContractAndTheVipsSingleAndConverge() {
        long conflicts = 0;
        long ticks = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SimCluster c = new SimCluster(seed, List.of("node1", "node2", "node3"), GROUPS,
                    seed % 2 == 0 ? AutoFailback.ON : AutoFailback.OFF,
                    ManagerSettings.defaults().withReportInterval(Duration.ofSeconds(2)));
            c.addresses.addAll(VIPS);
            c.invariant(RandomFaultSimulationTest::vipNeverOnTwoHosts);
            c.bootAll();
            c.runFor(10_000);
            Random r = new Random(seed * 7919);
            for (int step = 0; step < 20; step++) {
                randomFault(c, r);
            }
            undoEverything(c);
            c.runFor(40_000);
            for (ResourceGroup g : GROUPS) {
                assertEquals(1, c.fullOwners(g.name()).size(), g.name() + " (seed " + seed + ")\n" + c.dump());
                assertEquals(c.owners(g.name()), c.fullOwners(g.name()), "no half-started copies (seed " + seed + ")\n"
                        + c.dump());
            }
            conflicts += c.conflicts;
            for (SimCluster.Node n : c.nodes.values()) {
                ticks += n.ticks;
            }
        }
        assertTrue(ticks > SEEDS * 100L, "the managers were ticked by their own timers: " + ticks);
        assertTrue(conflicts > 0, "some takeovers met an address still held elsewhere: " + conflicts);
        System.out.println("random faults: " + SEEDS + " seeds, " + ticks + " timer ticks, " + conflicts
                + " VIP starts refused as conflicts");
    }

    private static void randomFault(SimCluster c, Random r) {
        List<String> names = c.names;
        String n = names.get(r.nextInt(names.size()));
        SimCluster.Node node = c.nodes.get(n);
        ResourceGroup g = GROUPS.get(r.nextInt(GROUPS.size()));
        String word = g.resources().get(r.nextInt(g.resources().size())).word();
        switch (r.nextInt(12)) {
            case 0 -> {
                if (node.up() && c.nodes.values().stream().filter(SimCluster.Node::up).count() > 1) {
                    c.crash(n);
                    c.runFor(SimCluster.DETECTION_MS + r.nextInt(4_000));
                    c.restart(n);
                }
            }
            case 1 -> {
                if (node.up()) {
                    if (r.nextBoolean()) {
                        node.inject.put("stop " + g.name() + "/" + word, OcfStatus.ERR_GENERIC);
                    }
                    long ms = 500 + r.nextInt(5_000);
                    c.freeze(n, ms);
                    c.runFor(ms + 2_000);
                }
            }
            case 2 -> {
                List<String> side = new ArrayList<>(names);
                side.remove(n);
                c.partition(List.of(n), side);
                c.runFor(1_000 + r.nextInt(8_000));
                c.heal();
            }
            case 3 -> c.command(n, new OperatorCommand.Failover(g.name(), Optional.empty()));
            case 4 -> c.command(n, new OperatorCommand.TakeoverGroup(g.name()));
            case 5 -> c.command(n, new OperatorCommand.Standby(GroupScope.values()[1 + r.nextInt(3)]));
            case 6 -> c.command(n, new OperatorCommand.Online());
            case 7 -> {
                c.command(n, new OperatorCommand.Maintenance(true));
                c.runFor(5_000 + r.nextInt(20_000)); // long enough for monitors to fall due
                c.command(names.get(r.nextInt(names.size())), new OperatorCommand.Maintenance(false));
            }
            case 8 -> node.inject.put("monitor " + g.name() + "/" + word, OcfStatus.NOT_RUNNING);
            case 9 -> node.inject.put("start " + g.name() + "/" + word, OcfStatus.ERR_GENERIC);
            case 10 -> c.command(n, new OperatorCommand.Cleanup(Optional.empty()));
            default -> c.connectivity(n, r.nextInt(3));
        }
        c.runFor(500 + r.nextInt(6_000));
    }

    private static void undoEverything(SimCluster c) {
        c.heal();
        c.runFor(3_000);
        for (String n : c.names) {
            SimCluster.Node node = c.nodes.get(n);
            node.inject.clear();
            if (!node.up()) {
                c.restart(n);
            }
        }
        c.runFor(3_000);
        for (String n : c.names) {
            c.command(n, new OperatorCommand.Online());
            c.command(n, new OperatorCommand.Maintenance(false));
            c.connectivity(n, 1);
        }
        c.runFor(3_000);
        c.command(c.names.get(0), new OperatorCommand.Cleanup(Optional.empty()));
    }
}
