package io.lifeline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterShapeTest {

    @Test
    void theThreeNodeShapeIsTheSuitesOriginalCluster() {
        assertEquals("""
                keepalive 200ms
                deadtime 1500ms
                warntime 800ms
                initdead 5s
                udpport 694
                bcast eth0
                bcast eth1
                auto_failback on
                realtime off
                node n1
                node n2
                node n3
                resource_defaults interval=1s timeout=10s start_timeout=30s stop_timeout=30s threshold=3 window=60s
                """, FaultCluster.haCf(ClusterShape.THREE));
        assertEquals(List.of(
                new FaultCluster.Group("IPaddr2::198.51.100.101/24/eth0", "198.51.100.101", "n1", 80, "nginx"),
                new FaultCluster.Group("IPaddr2::198.51.100.102/24/eth0", "198.51.100.102", "n2", 7000, "Dummy"),
                new FaultCluster.Group("IPaddr2::198.51.100.103/24/eth0", "198.51.100.103", "n3", 7000, "VIP only")),
                FaultCluster.groupsOf(ClusterShape.THREE));
        // the kinds of issue 14, in their declaration order (the nemesis shuffles this list from the seed)
        assertEquals(List.of(FaultKind.values()).subList(0, 14), ClusterShape.THREE.kinds);
        for (FaultKind k : ClusterShape.THREE.kinds) {
            assertEquals(List.of("n1", "n2", "n3"), ClusterShape.THREE.targets(k));
        }
    }

    @Test
    void theArbiterShapeAimsCutsAtTheRightNodes() {
        ClusterShape s = ClusterShape.ARBITER;
        assertTrue(FaultCluster.haCf(s).contains("node n1\nnode n2\nnode witness\narbiter witness\n"));
        assertEquals(List.of("n1", "n2"), s.dataNodes());
        assertEquals(List.of("n1", "n2"), s.targets(FaultKind.PARTITION));
        assertEquals(List.of("n1", "n2"), s.targets(FaultKind.NODE_CUT_OFF));
        assertEquals(List.of("witness"), s.targets(FaultKind.WITNESS_CUT_OFF));
        assertEquals(List.of("witness"), s.targets(FaultKind.ONE_SIDED_PARTITION), "the pair cut, the witness the bridge");
        assertTrue(FaultCluster.groupsOf(s).stream().noneMatch(g -> g.home().equals("witness")), "a witness is nobody's home");
    }

    @Test
    void fourNodesSplitEvenlyAroundTheTieBreaker() {
        ClusterShape s = ClusterShape.FOUR_ATB;
        assertTrue(FaultCluster.haCf(s).contains("node n4\nauto_tie_breaker on\n"));
        assertEquals(List.of("n2", "n3", "n4"), s.targets(FaultKind.EVEN_SPLIT));
        assertEquals(4, FaultCluster.groupsOf(s).size());
        assertTrue(s.kinds.contains(FaultKind.EVEN_SPLIT) && s.kinds.contains(FaultKind.PARTITION));
    }

    @Test
    void twoFencingNodesDecideTheirFenceRaceForN1() {
        ClusterShape s = ClusterShape.TWO_FENCE;
        assertTrue(s.fences() && !ClusterShape.THREE.fences());
        assertTrue(FaultCluster.haCf(s).contains("node n2\nfence_timeout 20s\nfence_delay n1=3s\n"));
        assertEquals(List.of("n1", "n2"), s.targets(FaultKind.PARTITION));
    }

    @Test
    void shapesAndFocusedKindsAreCheckedByName() {
        assertEquals(ClusterShape.FOUR_ATB, ClusterShape.parse("four-atb"));
        assertEquals(ClusterShape.THREE, ClusterShape.parse(" Three "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterShape.parse("five"));
        assertTrue(e.getMessage().contains("three, arbiter, four-atb, two-fence"), e.getMessage());
        assertEquals(ClusterShape.TWO_FENCE, ClusterShape.parse("two-fence"));
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> ClusterShape.FOUR_ATB.focus(List.of(FaultKind.ONE_SIDED_PARTITION)));
        assertTrue(k.getMessage().contains("four-atb"), k.getMessage());
        assertEquals(List.of(FaultKind.PARTITION), ClusterShape.ARBITER.focus(List.of(FaultKind.PARTITION)));
    }
}
