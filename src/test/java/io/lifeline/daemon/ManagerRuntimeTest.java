package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.ProbesAhead;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.cluster.ClusterEvent;
import io.lifeline.cluster.MembershipTracker;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.ClusterRegisters;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ManagerAction;
import io.lifeline.manager.ManagerInput;
import io.lifeline.manager.OperatorCommand;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerSettings;
import io.lifeline.manager.OnFail;
import io.lifeline.manager.ResourceManager;
import io.lifeline.manager.ResourcePolicy;
import io.lifeline.manager.ResourceState;
import io.lifeline.manager.StateReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir
    Path stateDir;
    /** The exit status the runtime asked for, if it did. */
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();

    private ManagerRuntime start(String local, ResourceAgent agent) {
        return start(local, agent, null);
    }

    /** @param faultyStep wraps the real manager's handle(), or null for the real one */
    private ManagerRuntime start(String local, ResourceAgent agent,
                                 Function<ResourceManager, ManagerRuntime.ManagerStep> faultyStep) {
        return start(local, agent, faultyStep, ManagerSettings.defaults());
    }

    private ManagerRuntime start(String local, ResourceAgent agent,
                                 Function<ResourceManager, ManagerRuntime.ManagerStep> faultyStep, ManagerSettings settings) {
        ManagerConfig cfg = new ManagerConfig(local, List.of("node1", "node2"),
                List.of(new ResourceGroup("node1", List.of(spec), 1)), AutoFailback.ON, Duration.ofSeconds(10),
                settings);
        ResourceManager manager = new ResourceManager(cfg, local + "-test");
        runtime = new ManagerRuntime(manager, Map.of(spec.word(), agent),
                payload -> { }, new NotifyExecutor(List.of()), new ProcessRunner(),
                () -> System.nanoTime() / 1_000_000L, Clock.systemUTC(),
                new InputJournal(100), stateDir, exited::complete,
                faultyStep == null ? manager::handle : faultyStep.apply(manager));
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
     * The daemon starts the manager while its links join, before its shutdown hook exists; a
     * resource started then would outlive a SIGTERM that came before the hook. Held starts wait
     * for allowStarts; the probe does not.
     */
    @Test
    void heldStartsWaitUntilTheyAreAllowed() throws Exception {
        AgentWarmUpTest.RecordingAgent agent = new AgentWarmUpTest.RecordingAgent();
        ManagerConfig cfg = new ManagerConfig("node2", List.of("node1", "node2"),
                List.of(new ResourceGroup("node1", List.of(spec), 1)), AutoFailback.ON, Duration.ofSeconds(10),
                ManagerSettings.defaults());
        ResourceManager manager = new ResourceManager(cfg, "node2-test");
        runtime = new ManagerRuntime(manager, Map.of(spec.word(), agent),
                payload -> { }, new NotifyExecutor(List.of()), new ProcessRunner(),
                () -> System.nanoTime() / 1_000_000L, Clock.systemUTC(),
                new InputJournal(100), stateDir, exited::complete, manager::handle);
        runtime.holdStarts();
        runtime.start();
        endInitdeadAlone("node2");

        await("the manager decided to start the group").atMost(WITHIN).until(() -> phase() == GroupPhase.STARTING);
        await("no start while starts are held").during(Duration.ofMillis(300)).atMost(WITHIN)
                .until(() -> !agent.calls.contains("start"));
        assertTrue(agent.calls.contains("monitor"), "the probe (a monitor) did not wait: " + agent.calls);

        runtime.allowStarts();
        await("the group runs on node2").atMost(WITHIN).until(() -> phase() == GroupPhase.RUNNING);
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

    /** Runs once started; its first monitor finds its configuration changed since it was loaded. */
    static final class ChangedConfigAgent extends AgentWarmUpTest.RecordingAgent {
        private volatile boolean running;
        private volatile boolean changed = true;

        @Override
        public AgentResult start(Duration timeout) {
            calls.add("start");
            running = true;
            return AgentResult.ok();
        }

        @Override
        public AgentResult monitor(Duration timeout) {
            calls.add("monitor");
            if (!running) {
                return AgentResult.notRunning("not running");
            }
            return changed ? AgentResult.runningWithChangedConfig("x.conf changed since it was loaded") : AgentResult.ok();
        }

        @Override
        public AgentResult reload(Duration timeout) {
            calls.add("reload");
            changed = false;
            return AgentResult.ok("reloaded x.conf");
        }
    }

    /**
     * The agent's flag travels from the monitor's result through the runtime to the manager,
     * which runs the agent's reload as an action of its own (the HAProxy agent's changed
     * haproxy.cfg, issue 19): the monitor itself never reloads.
     */
    @Test
    void aMonitorReportingAChangedConfigurationGetsTheAgentsReloadFromTheManager() throws Exception {
        ChangedConfigAgent agent = new ChangedConfigAgent();
        ResourcePolicy fast = new ResourcePolicy(Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), 3, Duration.ofMinutes(10), OnFail.RESTART);
        start("node1", agent, null, ManagerSettings.defaults().withResourceDefaults(fast));
        endInitdeadAlone("node1");
        await("the manager reloads the resource").atMost(WITHIN).until(() -> agent.calls.contains("reload"));
        assertTrue(runtime.events().stream().anyMatch(e -> e.message().contains(
                "its configuration changed since it was loaded")), runtime.events().toString());
        List<String> calls = List.copyOf(agent.calls);
        assertEquals(1, calls.stream().filter("start"::equals).count(), "reloaded, not restarted: " + calls);
        assertFalse(calls.contains("stop"), calls.toString());
        await("reloaded in place").atMost(WITHIN).until(() -> runtime.events().stream()
                .anyMatch(e -> e.message().contains("its changed configuration applies without a restart")));
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

    /**
     * Regression (issue 14, item 8): the manager throws in the middle of an input, after it has
     * changed part of its state (here: it handled a standby command, then fails). The runtime used
     * to log a RuntimeException and go on with the half-applied manager, and an Error ended the
     * manager thread for good. Now any Throwable dumps the input journal, stops every group right to
     * left without the manager, and asks for a non-zero exit (systemd restarts the daemon).
     */
    @Test
    void aManagerFailureDumpsTheJournalReleasesEverythingAndExitsNonZero() throws Exception {
        AgentWarmUpTest.RecordingAgent agent = new AgentWarmUpTest.RecordingAgent();
        start("node2", agent, manager -> (now, input) -> {
            List<ManagerAction> actions = manager.handle(now, input); // the state changes, then the failure
            if (input instanceof ManagerInput.Command) {
                throw new StackOverflowError("injected");
            }
            return actions;
        });
        endInitdeadAlone("node2");
        await("the group runs on node2").atMost(WITHIN).until(() -> phase() == GroupPhase.RUNNING);

        ManagerAction.AnswerCommand answer = runtime.command(new OperatorCommand.Standby(GroupScope.ALL));
        assertFalse(answer.accepted());
        assertTrue(answer.message().startsWith("the resource manager failed"), answer.message());
        assertEquals(ManagerRuntime.EXIT_MANAGER_FAILED, exited.get(WITHIN.toSeconds(), TimeUnit.SECONDS));
        assertTrue(runtime.failed());
        assertEquals("stop", agent.calls.get(agent.calls.size() - 1), "released without the manager: " + agent.calls);

        List<Path> dumps;
        try (var files = Files.list(stateDir)) {
            dumps = files.filter(f -> f.getFileName().toString().startsWith("inputs-node2-")).toList();
        }
        assertEquals(1, dumps.size(), "one journal dump in the state directory");
        InputJournal.Dump dump = InputJournal.read(dumps.get(0));
        assertTrue(dump.header().reason().contains("StackOverflowError: injected"), dump.header().reason());
        ManagerInput lastInput = dump.entries().get(dump.entries().size() - 1).input();
        assertEquals(new OperatorCommand.Standby(GroupScope.ALL), ((ManagerInput.Command) lastInput).command(),
                "the input it failed on is the last one kept");
        assertThrows(TimeoutException.class, () -> runtime.status(), "a failed manager answers no more questions");
    }

    @Test
    void journalDumpsAreKeptToTheNewestTwenty() throws Exception {
        start("node1", new AgentWarmUpTest.RecordingAgent());
        Path newest = null;
        for (int i = 0; i < 25; i++) {
            newest = runtime.dumpInputs("test " + i);
        }
        try (var files = Files.list(stateDir)) {
            List<Path> dumps = files.toList();
            assertTrue(dumps.size() <= 20, dumps.toString());
            assertTrue(dumps.contains(newest), "the newest is kept: " + dumps);
        }
        assertEquals("test 24", InputJournal.read(newest).header().reason());
    }

    /**
     * Starts a runtime for {@code cfg} writing {@code journal}, then keeps its manager thread busy
     * until the returned latch is counted down, so that inputs queue up meanwhile.
     */
    private java.util.concurrent.CountDownLatch startBusy(ManagerConfig cfg, InputJournal journal) throws Exception {
        ResourceManager manager = new ResourceManager(cfg, "node1-test");
        runtime = new ManagerRuntime(manager, Map.of(spec.word(), new AgentWarmUpTest.RecordingAgent()),
                payload -> { }, new NotifyExecutor(List.of()), new ProcessRunner(),
                () -> System.nanoTime() / 1_000_000L, Clock.systemUTC(), journal, stateDir, exited::complete,
                manager::handle);
        runtime.start();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture.runAsync(() -> {
            try {
                runtime.query(m -> {
                    blocked.countDown();
                    try {
                        busy.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
            } catch (Exception e) {
                // the query's own timeout: irrelevant here
            }
        });
        assertTrue(blocked.await(10, java.util.concurrent.TimeUnit.SECONDS), "manager thread busy");
        return busy;
    }

    /**
     * Review, 2026-12-07: "held" waits at the back of a busy manager's queue, "not held" jumps
     * ahead of it; the stale "held" fed afterwards kept the groups up without a lease, and the
     * lease timer never repeats itself. Only the newest word is fed.
     */
    @Test
    void aStaleLeaseHeldQueuedBehindABacklogIsNotFedAfterTheNewerNotHeld() throws Exception {
        InputJournal journal = new InputJournal(100);
        ManagerConfig cfg = new ManagerConfig("node1", List.of("node1", "node2", "node3"),
                List.of(new ResourceGroup("node1", List.of(spec), 1)), AutoFailback.ON, Duration.ofSeconds(10),
                ManagerSettings.defaults());
        java.util.concurrent.CountDownLatch busy = startBusy(cfg, journal);
        runtime.onLease(new ManagerInput.QuorumLeaseChanged(true, 5_000, "confirmed by node2"));
        runtime.onLease(new ManagerInput.QuorumLeaseChanged(false, 5_000, "a quorum's newest confirmation is old"));
        busy.countDown();
        await().atMost(WITHIN).until(() -> journal.entries().stream()
                .anyMatch(e -> e.input() instanceof ManagerInput.QuorumLeaseChanged));
        runtime.query(m -> null); // everything queued before this has been fed
        List<ManagerInput.QuorumLeaseChanged> fed = journal.entries().stream()
                .filter(e -> e.input() instanceof ManagerInput.QuorumLeaseChanged)
                .map(e -> (ManagerInput.QuorumLeaseChanged) e.input()).toList();
        assertEquals(1, fed.size(), fed.toString());
        assertFalse(fed.get(0).held(), "the newest word");
    }

    /**
     * Regression (issue 15, item 2): every report a peer sent was queued for the manager, so a
     * busy manager's inbox grew without bound during a report storm. Now a waiting report is
     * replaced by the peer's newer one, keeping the groups the older one released.
     */
    @Test
    void reportsWaitingForABusyManagerAreCoalescedPerPeerKeepingReleases() throws Exception {
        InputJournal journal = new InputJournal(5000);
        ManagerConfig cfg = new ManagerConfig("node1", List.of("node1", "node2"),
                List.of(new ResourceGroup("node1", List.of(spec), 1)), AutoFailback.ON, Duration.ofSeconds(10),
                ManagerSettings.defaults());
        java.util.concurrent.CountDownLatch busy = startBusy(cfg, journal);
        ReportCodec codec = new ReportCodec();
        for (int seq = 1; seq <= 1000; seq++) {
            List<String> released = seq == 500 ? List.of("old-group") : List.of();
            StateReport r = new StateReport("node2", "inc-2", seq, seq, true, 0, GroupScope.NONE, Map.of(), List.of(),
                    Map.of(), ClusterRegisters.EMPTY, released);
            runtime.onEvent(new ClusterEvent.PeerPayload("node2", "bcast:eth0", codec.encode(r), 0));
        }
        busy.countDown();
        await().atMost(WITHIN).until(() -> journal.entries().stream()
                .anyMatch(e -> e.input() instanceof ManagerInput.PeerReport p && p.report().seq() == 1000));
        List<StateReport> fed = journal.entries().stream().filter(e -> e.input() instanceof ManagerInput.PeerReport)
                .map(e -> ((ManagerInput.PeerReport) e.input()).report()).toList();
        assertEquals(1, fed.size(), "one report for 1000 sent while the manager was busy");
        assertEquals(List.of("old-group"), fed.get(0).released(), "the release of report 500 is not lost");
    }

    /** Probes for a live owner ahead when asked, and records which start the runtime chose. */
    static final class ProbingAgent extends AgentWarmUpTest.RecordingAgent implements ProbesAhead {
        @Override
        public void probeAhead(Duration validFor) {
            calls.add("probeAhead " + validFor.toMillis());
        }

        @Override
        public AgentResult startUsingProbeAhead(Duration timeout) {
            calls.add("startUsingProbeAhead");
            return AgentResult.ok();
        }
    }

    /**
     * A peer late with its heartbeats (suspected by the failure detector, or past warntime) makes
     * the agents that check for a live owner check at once
     * (off the takeover's path), and the takeover from that peer, which was running the group
     * steadily, lets the agent use that check.
     */
    @Test
    void aLatePeerIsProbedAheadAndTheTakeoverMayUseIt() throws Exception {
        ProbingAgent agent = new ProbingAgent();
        start("node2", agent);
        runtime.onEvent(new ClusterEvent.LateHeartbeat("node1", "bcast:eth0", 200, 0));
        assertFalse(agent.calls.stream().anyMatch(c -> c.startsWith("probeAhead")), "off until the daemon sets a validity");
        runtime.probeAheadValidFor(Duration.ofMillis(250));
        MembershipTracker tracker = new MembershipTracker("node2", List.of("node1", "node2"), List.of("bcast:eth0"),
                0, INITDEAD_MS, 500);
        tracker.viewChanged("bcast:eth0", Set.of("node1", "node2"), null, 100).forEach(runtime::onEvent);
        StateReport running = new StateReport("node1", "inc-1", 1, 1, true, 0, GroupScope.NONE,
                Map.of(spec.word(), new StateReport.GroupReport(GroupPhase.RUNNING, false, List.of(ResourceState.STARTED))),
                List.of(), Map.of(), ClusterRegisters.EMPTY, List.of());
        runtime.onEvent(new ClusterEvent.PeerPayload("node1", "bcast:eth0", new ReportCodec().encode(running), 0));
        runtime.onEvent(new ClusterEvent.PeerSuspected("node1", "bcast:eth0", 0));
        await("probed ahead").atMost(WITHIN).until(() -> agent.calls.contains("probeAhead 250"));
        runtime.onEvent(new ClusterEvent.PeerSuspected("node1", "bcast:eth1", 0)); // the other link, or again
        tracker.viewChanged("bcast:eth0", Set.of("node2"), null, 400).forEach(runtime::onEvent);
        await("taken over").atMost(WITHIN).until(() -> phase() == GroupPhase.RUNNING);
        assertTrue(agent.calls.contains("startUsingProbeAhead"), agent.calls.toString());
        assertFalse(agent.calls.contains("start"), agent.calls.toString());
        assertEquals(1, agent.calls.stream().filter(c -> c.startsWith("probeAhead")).count(),
                "one probe per late peer within the validity: " + agent.calls);
    }
}
