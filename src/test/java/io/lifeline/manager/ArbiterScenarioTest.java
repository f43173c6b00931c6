package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An arbiter ({@code arbiter NODE}): a third vote for a pair that never runs a group. */
class ArbiterScenarioTest {

    private static Scenario.Builder pairWithArbiter(String local) {
        return Scenario.cluster("node1", "node2", "witness").group("node1", "web", "nginx")
                .settings(s -> s.withArbiters(Set.of("witness"))).local(local);
    }

    @Test
    void thePairKeepsQuorumWithTheArbiterAndTakesOverFromADeadPeer() {
        Scenario s = PartitionScenarioTest.running(pairWithArbiter("node2"), "node1", "witness");
        s.peer("node1").runs("web").report();
        s.settle();
        s.membership("node2", "witness");
        s.peer("witness").sees("node2", "witness").report();
        assertEquals(List.of("start web/web", "start web/nginx"), s.settle(),
                "node2 and the witness are 2 of 3: a quorum, and both have lost node1");
    }

    @Test
    void aNodeCutOffFromItsPeerAndTheArbiterStopsEverything() {
        Scenario s = PartitionScenarioTest.running(pairWithArbiter("node1"), "node2", "witness");
        s.settle();
        s.membership("node1");
        assertEquals(List.of("stop web/nginx", "stop web/web"), s.settle(), "1 of 3: no quorum");
    }

    @Test
    void theArbiterNeverRunsAGroupEvenWhenItIsTheLastNodeStanding() {
        Scenario s = PartitionScenarioTest.running(pairWithArbiter("witness"), "node1", "node2");
        s.peer("node1").runs("web").report();
        s.settle();
        s.membership("witness", "node2");
        s.peer("node2").sees("node2", "witness").report();
        s.settle();
        s.membership("witness");
        assertEquals(List.of(), s.settle(), "an arbiter is never eligible");
    }
}
