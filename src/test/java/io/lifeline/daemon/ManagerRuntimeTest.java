package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.agent.script.ProcessRunner;
import io.lifeline.cluster.ClusterEvent;
import io.lifeline.cluster.MembershipTracker;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.InputJournal;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerSettings;
import io.lifeline.manager.ResourceManager;
import io.lifeline.manager.notify.NotifyExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime between the cluster layer, a real {@link ResourceManager} and agents. */
class ManagerRuntimeTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final long INITDEAD_MS = 4_000;

    private final ResourceSpec spec = new ResourceSpec("Recording", List.of("x"), "Recording::x", 1);
    private ManagerRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private ManagerRuntime start(String local, ResourceAgent agent) {
        ManagerConfig cfg = new ManagerConfig(local, List.of("node1", "node2"),
                List.of(new ResourceGroup("node1", List.of(spec), 1)), AutoFailback.ON, Duration.ofSeconds(10),
                ManagerSettings.defaults());
        runtime = new ManagerRuntime(new ResourceManager(cfg, local + "-test"), Map.of(spec.word(), agent),
                payload -> { }, new NotifyExecutor(List.of()), new ProcessRunner(),
                () -> System.nanoTime() / 1_000_000L, Clock.systemUTC(),
                new InputJournal(100), Path.of("target", "journals"));
        runtime.start();
        return runtime;
    }

    /** The cluster layer of {@code local} with no peer ever seen, fed to the runtime up to the end of initdead. */
    private void endInitdeadAlone(String local) {
        MembershipTracker tracker = new MembershipTracker(local, List.of("node1", "node2"), List.of("bcast:eth0"),
                0, INITDEAD_MS, 500);
        tracker.tick(INITDEAD_MS - 1).forEach(runtime::onEvent);
        tracker.tick(INITDEAD_MS).forEach(runtime::onEvent);
    }

    private GroupPhase phase() throws Exception {
        return runtime.status().groups().get(0).phase();
    }

    /**
     * Regression (issue 14, item 1): node2 boots while node1 stays down. The cluster layer declares
     * node1 dead at initdead without it ever having been alive; the runtime used to submit a
     * membership only when its own alive set changed, so the manager never got one and started
     * nothing. Now the tracker's snapshot at initdead reaches the manager as it is.
     */
    @Test
    void aNodeBootingAloneStartsItsGroupsAfterInitdead() throws Exception {
        AgentWarmUpTest.RecordingAgent agent = new AgentWarmUpTest.RecordingAgent();
        start("node2", agent);
        endInitdeadAlone("node2");

        await("the group runs on node2").atMost(WITHIN).until(() -> phase() == GroupPhase.RUNNING);
        assertEquals(List.of("node2"), runtime.status().members());
        assertEquals(1, agent.calls.stream().filter("start"::equals).count(), agent.calls.toString());
    }

    /**
     * Regression (issue 14, item 12): after a freeze the node kept waiting stall_rejoin_wait (10 s)
     * although its links re-formed, because its own set of alive nodes never changed and the
     * runtime only forwarded changes. The merge view's snapshot ends the wait now.
     */
    @Test
    void aFreshSnapshotAfterAStallEndsTheRecoveryAtOnce() throws Exception {
        start("node1", new AgentWarmUpTest.RecordingAgent());
        MembershipTracker tracker = new MembershipTracker("node1", List.of("node1", "node2"), List.of("bcast:eth0"),
                0, INITDEAD_MS, 500);
        tracker.viewChanged("bcast:eth0", Set.of("node1", "node2"), null, 100).forEach(runtime::onEvent);
        // past the stall threshold (deadtime, 10 s); it jumps ahead of the snapshot queued before it,
        // which is older than the freeze and must not end the recovery
        runtime.onStall(20_000, tracker.epoch());
        await("the stall is handled").atMost(WITHIN).until(() -> runtime.status().stalled()
                && runtime.status().members().equals(List.of("node1", "node2")));
        assertTrue(runtime.status().stalled(), "a snapshot from before the stall does not end it");

        // node2 had a view without node1 meanwhile; the links re-form it with a merge
        tracker.viewChanged("bcast:eth0", Set.of("node1", "node2"),
                List.of(Set.of("node1", "node2"), Set.of("node2")), 6_000).forEach(runtime::onEvent);
        await("the recovery ends well before stall_rejoin_wait").atMost(Duration.ofSeconds(3))
                .until(() -> !runtime.status().stalled());
        assertTrue(runtime.events().stream().anyMatch(e -> e.message().startsWith("rejoined the cluster after the stall")),
                runtime.events().toString());
    }

    /** An agent whose start overflows the stack, as a parser fed 20,000 nested braces did. */
    static final class OverflowingAgent extends AgentWarmUpTest.RecordingAgent {
        @Override
        public AgentResult start(Duration timeout) {
            calls.add("start");
            return recurse(0);
        }

        private AgentResult recurse(int depth) {
            return depth < 0 ? AgentResult.ok() : recurse(depth + 1);
        }
    }

    /**
     * Regression (issue 14, item 7): an agent's StackOverflowError killed the agent thread; no
     * result ever came back and the manager waited for the start timeout (60 s by default). It is a
     * failed action now, reported at once with its message.
     */
    @Test
    void anyThrowableFromAnAgentIsAFailedActionWithItsMessage() throws Exception {
        start("node1", new OverflowingAgent());
        endInitdeadAlone("node1");
        await("the start failed with the error's name").atMost(WITHIN).until(() -> runtime.events().stream()
                .anyMatch(e -> e.message().contains("agent failed: java.lang.StackOverflowError")));
    }
}
