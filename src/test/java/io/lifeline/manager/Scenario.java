package io.lifeline.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.AutoFailback;
import io.lifeline.daemon.InputJournal;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.ManagerAction.BroadcastReport;
import io.lifeline.manager.ManagerAction.LogEvent;
import io.lifeline.manager.ManagerAction.MonitorResource;
import io.lifeline.manager.ManagerAction.Reannounce;
import io.lifeline.manager.ManagerAction.StartResource;
import io.lifeline.manager.ManagerAction.StopResource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A readable scenario harness in the spirit of Pacemaker's scheduler regression files: one
 * manager (the local node) with a fake host that executes its agent actions, peers whose state
 * reports the test writes by hand, and assertions on the actions that come out.
 *
 * <pre>
 * Scenario s = Scenario.cluster("node1", "node2")
 *         .group("node1", "198.51.100.10", "nginx")     // group "198.51.100.10", home node1
 *         .local("node1").start();
 * s.membership("node1", "node2");
 * s.peer("node2").report();
 * assertEquals(List.of("start web/...", ...), s.settle());
 * </pre>
 */
final class Scenario {

    static final class Builder {
        private final List<String> nodes;
        private final List<ResourceGroup> groups = new ArrayList<>();
        private AutoFailback autoFailback = AutoFailback.ON;
        private ManagerSettings settings = ManagerSettings.defaults();
        private String local;

        private Builder(List<String> nodes) {
            this.nodes = nodes;
            this.local = nodes.get(0);
        }

        /** A haresources line: home node, then resource words; the group is named after the first word. */
        Builder group(String home, String... words) {
            List<ResourceSpec> res = new ArrayList<>();
            for (String w : words) {
                String[] parts = w.split("::");
                res.add(new ResourceSpec(parts[0], Arrays.asList(parts).subList(1, parts.length), w, groups.size() + 1));
            }
            groups.add(new ResourceGroup(home, res, groups.size() + 1));
            return this;
        }

        Builder autoFailback(AutoFailback a) {
            autoFailback = a;
            return this;
        }

        Builder settings(UnaryOperator<ManagerSettings> change) {
            settings = change.apply(settings);
            return this;
        }

        Builder local(String node) {
            local = node;
            return this;
        }

        ManagerConfig config() {
            return new ManagerConfig(local, nodes, groups, autoFailback, java.time.Duration.ofSeconds(10), settings);
        }

        Scenario start() {
            return new Scenario(config());
        }
    }

    static Builder cluster(String... nodes) {
        return new Builder(List.of(nodes));
    }

    final ManagerConfig cfg;
    final ResourceManager rm;
    long nowMs;
    /** Resources up on the local fake host, as "group/word". */
    final Set<String> host = new HashSet<>();
    /**
     * An agent's answer: its status, whether it was refused because another host holds the
     * resource, and whether a monitor found the resource's configuration changed.
     */
    record Outcome(OcfStatus status, boolean conflict, boolean configChanged) {
        Outcome(OcfStatus status, boolean conflict) {
            this(status, conflict, false);
        }

        String suffix() {
            return conflict ? " -> conflict" : configChanged ? " -> config changed"
                    : status == OcfStatus.SUCCESS ? "" : " -> " + status.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Outcomes to return instead of the normal ones, by action description (used once each). */
    private final Map<String, List<Outcome>> scripted = new HashMap<>();
    private final Map<Long, ManagerAction> pending = new LinkedHashMap<>();
    private List<ManagerAction> last = List.of();
    private final List<ManagerAction> all = new ArrayList<>();
    private long requestIds;
    private final Map<String, Peer> peers = new HashMap<>();

    private Scenario(ManagerConfig cfg) {
        this(cfg, cfg.localNode() + "-inc1", Now.at(0));
    }

    private Scenario(ManagerConfig cfg, String incarnation, Now bootedAt) {
        this.cfg = cfg;
        this.rm = new ResourceManager(cfg, incarnation);
        // the clock stands still between a scenario's inputs: its reports cannot wait for time to pass
        rm.sendReportsUnpaced();
        this.nowMs = bootedAt.monotonicMs();
        record(rm.boot(bootedAt));
    }

    /** The manager under test. */
    ResourceManager manager() {
        return rm;
    }

    /** Its status now. */
    ManagerStatus status() {
        return rm.status(Now.at(nowMs));
    }

    /** What a replayed journal produced: the manager after the last input, and the actions of each input. */
    record Replay(InputJournal.Dump dump, Scenario scenario, Map<Long, List<ManagerAction>> actionsBySeq) {

        ResourceManager manager() {
            return scenario.rm;
        }

        ManagerStatus status() {
            return scenario.rm.status(dump.entries().get(dump.entries().size() - 1).time());
        }

        /** The journal entries whose input is of this type, oldest first. */
        <T extends ManagerInput> List<InputJournal.Entry> entriesOf(Class<T> type) {
            return dump.entries().stream().filter(e -> type.isInstance(e.input())).toList();
        }

        /** The messages of the events the input {@code seq} led to. */
        List<String> eventsAfter(long seq) {
            return actionsBySeq.getOrDefault(seq, List.of()).stream()
                    .filter(a -> a instanceof LogEvent).map(a -> ((LogEvent) a).event().message()).toList();
        }

        /** Descriptions of the agent actions (start, stop, monitor) the input {@code seq} led to. */
        List<String> agentActionsAfter(long seq) {
            return actionsBySeq.getOrDefault(seq, List.of()).stream()
                    .filter(a -> a instanceof StartResource || a instanceof StopResource || a instanceof MonitorResource
                            || a instanceof ManagerAction.ReloadResource)
                    .map(ManagerAction::describe).toList();
        }
    }

    /**
     * Replays a dump of the daemon's input journal ({@code hactl debug inputs}, or the file a
     * manager failure leaves): a fresh manager with the dump's configuration and incarnation,
     * booted at the dump's boot time, gets every input at its recorded time. Exact when the dump
     * dropped nothing (it holds every input since boot).
     */
    static Replay replay(java.nio.file.Path file) throws java.io.IOException {
        InputJournal.Dump dump = InputJournal.read(file);
        assertEquals(0, dump.header().dropped(), file + " lost its oldest inputs: a replay would not be exact");
        Scenario s = new Scenario(dump.header().config(), dump.header().incarnation(), dump.header().bootedAt());
        Map<Long, List<ManagerAction>> bySeq = new LinkedHashMap<>();
        for (InputJournal.Entry e : dump.entries()) {
            s.nowMs = e.time().monotonicMs();
            List<ManagerAction> actions = s.rm.handle(e.time(), e.input());
            s.record(actions);
            bySeq.put(e.seq(), actions);
        }
        return new Replay(dump, s, bySeq);
    }

    // ------------------------------------------------------------- inputs

    Scenario input(ManagerInput in) {
        record(rm.handle(Now.at(nowMs), in));
        return this;
    }

    Scenario membership(String... nodes) {
        return input(new ManagerInput.MembershipChanged(List.of(nodes), false));
    }

    Scenario merge(String... nodes) {
        return input(new ManagerInput.MembershipChanged(List.of(nodes), true));
    }

    Scenario initdead() {
        return input(new ManagerInput.InitdeadElapsed());
    }

    Scenario stall(long frozenMs) {
        return input(new ManagerInput.StallDetected(frozenMs));
    }

    Scenario connectivity(int score) {
        return input(new ManagerInput.ConnectivityChanged(score));
    }

    Scenario command(OperatorCommand c) {
        return input(new ManagerInput.Command(++requestIds, c));
    }

    /** A reload (hactl reload, SIGHUP) with the configuration {@code next} builds. */
    Scenario reload(Builder next) {
        return input(new ManagerInput.ConfigReloaded(++requestIds, next.config()));
    }

    /** A reload where the agents of the given words reload the given parameters in place. */
    Scenario reload(Builder next, Map<String, java.util.Set<String>> reloadable) {
        return input(new ManagerInput.ConfigReloaded(++requestIds, next.config(), reloadable));
    }

    /** Moves time forward and ticks. */
    Scenario advance(long ms) {
        nowMs += ms;
        return input(new ManagerInput.Tick());
    }

    /** Makes the next action with this description return {@code status} instead of succeeding. */
    Scenario willReturn(String description, OcfStatus... statuses) {
        for (OcfStatus st : statuses) {
            scripted.computeIfAbsent(description, k -> new ArrayList<>()).add(new Outcome(st, false));
        }
        return this;
    }

    /** Makes the next {@code times} actions with this description be refused: another host holds the resource. */
    Scenario willConflict(String description, int times) {
        for (int i = 0; i < times; i++) {
            scripted.computeIfAbsent(description, k -> new ArrayList<>()).add(new Outcome(OcfStatus.ERR_GENERIC, true));
        }
        return this;
    }

    /** Makes the next monitor with this description find the resource running with a changed configuration. */
    Scenario willReportChangedConfig(String description) {
        scripted.computeIfAbsent(description, k -> new ArrayList<>()).add(new Outcome(OcfStatus.SUCCESS, false, true));
        return this;
    }

    Peer peer(String node) {
        return peers.computeIfAbsent(node, Peer::new);
    }

    /**
     * Completes agent actions on the fake host, one at a time in issue order, until none is
     * pending; returns what ran (probes of stopped resources omitted for brevity).
     */
    List<String> settle() {
        List<String> ran = new ArrayList<>();
        int guard = 0;
        while (!pending.isEmpty()) {
            if (++guard > 1000) {
                fail("actions never settle: " + pending.values());
            }
            Map.Entry<Long, ManagerAction> e = pending.entrySet().iterator().next();
            pending.remove(e.getKey());
            ManagerAction a = e.getValue();
            Outcome o = execute(a);
            if (!(a instanceof MonitorResource m && m.probe() && o.status() == OcfStatus.NOT_RUNNING)) {
                ran.add(a.describe() + o.suffix());
            }
            input(new ManagerInput.ActionCompleted(e.getKey(), o.status(),
                    o.status() == OcfStatus.SUCCESS ? "" : "scripted", 5, o.conflict(), o.configChanged()));
        }
        return ran;
    }

    /** Completes only the oldest pending action. */
    String step() {
        Map.Entry<Long, ManagerAction> e = pending.entrySet().iterator().next();
        pending.remove(e.getKey());
        Outcome o = execute(e.getValue());
        input(new ManagerInput.ActionCompleted(e.getKey(), o.status(), "", 5, o.conflict(), o.configChanged()));
        return e.getValue().describe() + o.suffix();
    }

    private Outcome execute(ManagerAction a) {
        String d = a.describe();
        List<Outcome> script = scripted.get(d);
        if (script != null && !script.isEmpty()) {
            Outcome o = script.remove(0);
            if (a instanceof StartResource s && o.status() == OcfStatus.SUCCESS) {
                host.add(key(s.group(), s.resource()));
            }
            if (a instanceof StopResource s && (o.status() == OcfStatus.SUCCESS || o.status() == OcfStatus.NOT_RUNNING)) {
                host.remove(key(s.group(), s.resource()));
            }
            return o;
        }
        if (a instanceof StartResource s) {
            host.add(key(s.group(), s.resource()));
            return new Outcome(OcfStatus.SUCCESS, false);
        }
        if (a instanceof StopResource s) {
            host.remove(key(s.group(), s.resource()));
            return new Outcome(OcfStatus.SUCCESS, false);
        }
        if (a instanceof MonitorResource m) {
            return new Outcome(host.contains(key(m.group(), m.resource())) ? OcfStatus.SUCCESS : OcfStatus.NOT_RUNNING,
                    false);
        }
        if (a instanceof Reannounce) {
            return new Outcome(OcfStatus.SUCCESS, false);
        }
        if (a instanceof ManagerAction.ReloadResource r) {
            // the running instance takes the new parameters: the old word of the same agent is gone
            String group = r.group() + "/";
            boolean ran = host.removeIf(k -> k.startsWith(group)
                    && k.substring(group.length()).split("::", 2)[0].equals(r.resource().name()));
            if (!ran) {
                return new Outcome(OcfStatus.NOT_RUNNING, false);
            }
            host.add(key(r.group(), r.resource()));
            return new Outcome(OcfStatus.SUCCESS, false);
        }
        throw new IllegalStateException("not an agent action: " + a);
    }

    private static String key(String group, ResourceSpec r) {
        return group + "/" + r.word();
    }

    private void record(List<ManagerAction> actions) {
        last = actions;
        all.addAll(actions);
        for (ManagerAction a : actions) {
            if (a instanceof StartResource s) {
                pending.put(s.opId(), a);
            } else if (a instanceof StopResource s) {
                pending.put(s.opId(), a);
            } else if (a instanceof MonitorResource m) {
                pending.put(m.opId(), a);
            } else if (a instanceof Reannounce r) {
                pending.put(r.opId(), a);
            } else if (a instanceof ManagerAction.ReloadResource r) {
                pending.put(r.opId(), a);
            }
        }
    }

    // ------------------------------------------------------------- outputs

    /** Actions of the last input, except reports and log events. */
    List<String> lastActions() {
        return last.stream().filter(a -> !(a instanceof BroadcastReport) && !(a instanceof LogEvent))
                .map(ManagerAction::describe).toList();
    }

    /** Actions of the last input of the given type. */
    <T extends ManagerAction> List<T> lastOf(Class<T> type) {
        return last.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Every action so far of the given type, oldest first. */
    <T extends ManagerAction> List<T> allActionsOf(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<String> pendingActions() {
        return pending.values().stream().map(ManagerAction::describe).toList();
    }

    /** The last report this node broadcast. */
    StateReport report() {
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i) instanceof BroadcastReport b) {
                return b.report();
            }
        }
        throw new AssertionError("no report sent");
    }

    GroupPhase phase(String group) {
        return report().phase(group);
    }

    List<String> allOf(Class<? extends ManagerAction> type) {
        return all.stream().filter(type::isInstance).map(ManagerAction::describe).toList();
    }

    void clearHistory() {
        all.clear();
    }

    String events() {
        return rm.events().stream().map(ManagerEvent::toString).collect(Collectors.joining("\n"));
    }

    void assertEvent(String fragment) {
        assertTrue(events().contains(fragment), "no event containing '" + fragment + "' in:\n" + events());
    }

    void assertRunningHere(String... resources) {
        assertEquals(Set.of(resources), host, "resources up on " + cfg.localNode());
    }

    // ------------------------------------------------------------- peers

    /** A peer whose reports the test writes; by default ready, score 0, holding nothing, confirming every claim. */
    final class Peer {
        final String node;
        String incarnation;
        long seq;
        int score;
        GroupScope standby = GroupScope.NONE;
        boolean ready = true;
        final Map<String, StateReport.GroupReport> groups = new LinkedHashMap<>();
        final List<StateReport.FailureReport> failures = new ArrayList<>();
        final List<String> released = new ArrayList<>();
        ClusterRegisters registers = ClusterRegisters.EMPTY;
        long lamport;
        boolean confirms = true;
        /** The membership its reports say (empty: not said, as a node built before the field). */
        List<String> members = List.of();

        Peer(String node) {
            this.node = node;
            this.incarnation = node + "-inc1";
        }

        Peer holds(String group, GroupPhase phase) {
            ResourceGroup g = cfg.group(group).orElseThrow();
            ResourceState st = phase == GroupPhase.STOPPING || phase == GroupPhase.BLOCKED
                    ? ResourceState.STARTED : phase.isActive() ? ResourceState.STARTED : ResourceState.STOPPED;
            groups.put(group, new StateReport.GroupReport(phase, false,
                    g.resources().stream().map(r -> st).toList()));
            return this;
        }

        Peer runs(String group) {
            return holds(group, GroupPhase.RUNNING);
        }

        Peer runsHoldingFailback(String group) {
            ResourceGroup g = cfg.group(group).orElseThrow();
            groups.put(group, new StateReport.GroupReport(GroupPhase.RUNNING, true,
                    g.resources().stream().map(r -> ResourceState.STARTED).toList()));
            return this;
        }

        Peer claims(String group) {
            return holds(group, GroupPhase.CLAIMING);
        }

        Peer releases(String group) {
            groups.remove(group);
            released.add(group);
            return this;
        }

        Peer stopped(String group) {
            groups.remove(group);
            return this;
        }

        Peer score(int s) {
            score = s;
            return this;
        }

        Peer standby(GroupScope s) {
            standby = s;
            return this;
        }

        Peer banned(String group, String resource) {
            failures.add(new StateReport.FailureReport(group, resource, 3, 3, true));
            return this;
        }

        Peer notReady() {
            ready = false;
            return this;
        }

        Peer ready() {
            ready = true;
            return this;
        }

        /** Reports without having seen the local node's latest report (so it confirms nothing new). */
        Peer withoutConfirming() {
            confirms = false;
            return this;
        }

        Peer confirming() {
            confirms = true;
            return this;
        }

        Peer restarted() {
            incarnation = node + "-inc" + (Integer.parseInt(incarnation.substring(incarnation.lastIndexOf("inc") + 3)) + 1);
            seq = 0;
            groups.clear();
            failures.clear();
            return this;
        }

        /** The membership its reports say from now on: the nodes this peer hears (itself included). */
        Peer sees(String... nodes) {
            members = List.of(nodes);
            return this;
        }

        Peer registers(ClusterRegisters r) {
            registers = r;
            return this;
        }

        StateReport build() {
            Map<String, StateReport.SeenMark> seen = new HashMap<>();
            StateReport mine = Scenario.this.report();
            if (confirms) {
                seen.put(cfg.localNode(), new StateReport.SeenMark(mine.incarnation(), mine.seq()));
            }
            lamport = Math.max(lamport, mine.lamport()) + 1;
            StateReport r = new StateReport(node, incarnation, ++seq, lamport, ready, score, standby, groups,
                    failures, seen, registers, released, members);
            released.clear();
            return r;
        }

        /** Sends this peer's report to the local manager. */
        Scenario report() {
            return input(new ManagerInput.PeerReport(build()));
        }
    }
}
