package io.lifeline.manager;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.ManagerAction.BroadcastReport;
import io.lifeline.manager.ManagerAction.MonitorResource;
import io.lifeline.manager.ManagerAction.StartResource;
import io.lifeline.manager.ManagerAction.StopResource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A discrete-event simulation of a whole cluster: one {@link ResourceManager} per node, an
 * in-memory network that delivers reports FIFO per link with random delays (and drops them
 * across partitions, from crashed senders and to crashed receivers), a membership service that
 * installs views after detection delays, and hosts that execute agent actions after random
 * delays. After every event an invariant check runs.
 *
 * <p>Each node is ticked the way the daemon's runtime ticks it: only at the manager's own
 * {@link ResourceManager#nextTimerAtMs()}. After every input the timer contract is checked: the
 * next deadline lies strictly after the input's time (otherwise the runtime would spin).
 *
 * <p>Resources count as running on a host from the moment a start is issued until its stop
 * completes, so the "never on two nodes" check is conservative. Resources named in
 * {@link #addresses} behave like a VIP with its duplicate-address probe: a start that is not a
 * handover is refused as a conflict while any other host that has not lost power (frozen ones
 * included) still has it.
 */
final class SimCluster {

    static final long DETECTION_MS = 2_000;
    /** Resource words that behave like VIPs (duplicate-address probe on start). */
    final Set<String> addresses = new HashSet<>();
    /** Starts of such resources refused because another host had the address. */
    long conflicts;
    /** Peer fences run (RunPeerFence), and how many of the next ones fail (the device unreachable). */
    long fences;
    int failingFences;

    final Random rnd;
    final List<String> names;
    final List<ResourceGroup> groups;
    final ManagerSettings settings;
    final AutoFailback autoFailback;
    final Map<String, Node> nodes = new LinkedHashMap<>();
    long now;
    private long seqNo;
    private final PriorityQueue<Ev> queue = new PriorityQueue<>();
    /** Nodes in the same component can talk; crashed nodes are in none. */
    private final Map<String, Integer> component = new HashMap<>();
    /** Links cut inside a component, "a>b": b does not hear a (a one-sided partition is a pair of them). */
    private final Set<String> cuts = new HashSet<>();
    /**
     * Deliver reports without their sender's membership, as nodes built before that field sent
     * them: the rules that need it then fall back to the old ones (the control experiments).
     */
    boolean legacyReports;
    private final List<Consumer<SimCluster>> invariants = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    long events;

    private record Ev(long at, long seq, Runnable run) implements Comparable<Ev> {
        @Override
        public int compareTo(Ev o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    final class Node {
        final String name;
        ResourceManager rm;
        int incarnation;
        boolean crashed;
        long frozenUntil = -1;
        long frozenFrom;
        final Deque<ManagerInput> inbox = new ArrayDeque<>();
        /** "group/word" of resources up (or being started) on this host. */
        final Set<String> host = new HashSet<>();
        /** One-shot outcomes by action description. */
        final Map<String, OcfStatus> inject = new HashMap<>();
        final Map<String, Long> lastDelivery = new HashMap<>();
        final List<String> actionLog = new ArrayList<>();
        /** When this node's next Tick is due (the manager's nextTimerAtMs), or Long.MAX_VALUE. */
        long timerAt = Long.MAX_VALUE;
        long ticks;
        /** Reports this node broadcast (every incarnation): the protocol's message count. */
        long reportsSent;

        Node(String name) {
            this.name = name;
        }

        boolean up() {
            return !crashed && rm != null;
        }

        boolean frozen() {
            return frozenUntil > now;
        }

        Set<String> groupsHere() {
            Set<String> g = new HashSet<>();
            for (String r : host) {
                g.add(r.substring(0, r.indexOf('/')));
            }
            return g;
        }
    }

    SimCluster(long seed, List<String> names, List<ResourceGroup> groups, AutoFailback autoFailback,
               ManagerSettings settings) {
        this.rnd = new Random(seed);
        this.names = names;
        this.groups = groups;
        this.autoFailback = autoFailback;
        this.settings = settings;
        for (String n : names) {
            nodes.put(n, new Node(n));
        }
    }

    static ResourceGroup group(String home, String... words) {
        List<ResourceSpec> res = new ArrayList<>();
        for (String w : words) {
            res.add(new ResourceSpec(w, List.of(), w, 1));
        }
        return new ResourceGroup(home, res, 1);
    }

    void invariant(Consumer<SimCluster> check) {
        invariants.add(check);
    }

    // ----------------------------------------------------------------- scheduling

    void at(long t, Runnable r) {
        queue.add(new Ev(Math.max(t, now), seqNo++, r));
    }

    void runUntil(long t) {
        while (!queue.isEmpty() && queue.peek().at <= t) {
            Ev e = queue.poll();
            now = e.at;
            e.run.run();
            events++;
            for (Consumer<SimCluster> c : invariants) {
                c.accept(this);
            }
        }
        now = Math.max(now, t);
    }

    void runFor(long ms) {
        runUntil(now + ms);
    }

    // ----------------------------------------------------------------- topology

    /** Boots every node at once in one component. */
    void bootAll() {
        for (String n : names) {
            component.put(n, 0);
            boot(n);
        }
        installViews(false);
    }

    void boot(String n) {
        Node node = nodes.get(n);
        node.crashed = false;
        node.incarnation++;
        ManagerConfig cfg = new ManagerConfig(n, names, groups, autoFailback, Duration.ofMillis(DETECTION_MS), settings);
        node.rm = new ResourceManager(cfg, n + "-" + node.incarnation);
        int inc = node.incarnation;
        node.timerAt = Long.MAX_VALUE;
        apply(node, node.rm.boot(Now.at(now)));
        scheduleTimer(node);
        at(now + 3_000, () -> deliver(node, inc, new ManagerInput.InitdeadElapsed()));
    }

    /** Schedules a Tick at the manager's next deadline, as ManagerRuntime does. */
    private void scheduleTimer(Node node) {
        long due = node.rm.nextTimerAtMs();
        if (due == node.timerAt || due == Long.MAX_VALUE) {
            return;
        }
        node.timerAt = due;
        int inc = node.incarnation;
        at(due, () -> {
            if (node.incarnation == inc && node.up() && node.timerAt == due) {
                node.timerAt = Long.MAX_VALUE;
                node.ticks++;
                deliver(node, inc, new ManagerInput.Tick());
            }
        });
    }

    /** Power loss: the host loses everything; the others notice after the detection time. */
    void crash(String n) {
        Node node = nodes.get(n);
        node.crashed = true;
        node.frozenUntil = -1; // power loss ends a freeze too: the host that reboots is not frozen
        node.rm = null;
        node.host.clear();
        node.inbox.clear();
        component.remove(n);
        log.add(now + " crash " + n);
        at(now + DETECTION_MS, () -> installViews(false));
    }

    /** The node comes back (fresh daemon, empty host) into the largest component. */
    void restart(String n) {
        Node node = nodes.get(n);
        component.put(n, component.values().stream().findFirst().orElse(0));
        log.add(now + " restart " + n);
        boot(n);
        at(now + 300, () -> installViews(false));
    }

    /** Splits the network into the given sides (nodes not listed keep their component). */
    void partition(List<String> sideA, List<String> sideB) {
        List<List<String>> sides = List.of(sideA, sideB);
        for (int i = 0; i < sides.size(); i++) {
            for (String n : sides.get(i)) {
                if (component.containsKey(n)) {
                    component.put(n, 100 + i);
                }
            }
        }
        log.add(now + " partition " + sides);
        at(now + DETECTION_MS, () -> installViews(false));
    }

    /**
     * A one-sided partition: {@code a} and {@code b} stop hearing each other (heartbeats and
     * reports, both ways), while every other link stays up, so a third node may still hear both.
     */
    void cut(String a, String b) {
        cuts.add(a + ">" + b);
        cuts.add(b + ">" + a);
        log.add(now + " cut " + a + "-" + b);
        at(now + DETECTION_MS, () -> installViews(false));
    }

    /** Whether {@code to} hears {@code from}: same component and no cut between them. */
    boolean hears(String to, String from) {
        return connected(from, to) && !cuts.contains(from + ">" + to);
    }

    void heal() {
        boolean merge = !cuts.isEmpty();
        cuts.clear();
        component.replaceAll((n, c) -> 0);
        log.add(now + " heal");
        at(now + 1_500, () -> installViews(true));
    }

    /** The node's process stops running for {@code ms}; meanwhile the others may declare it dead. */
    void freeze(String n, long ms) {
        Node node = nodes.get(n);
        node.frozenFrom = now;
        node.frozenUntil = now + ms;
        int inc = node.incarnation;
        log.add(now + " freeze " + n + " " + ms + "ms");
        if (ms > DETECTION_MS) {
            Integer c = component.get(n);
            component.put(n, -1); // unreachable while frozen
            at(now + DETECTION_MS, () -> installViews(false));
            at(node.frozenUntil, () -> {
                component.put(n, c);
                at(now + 1_500, () -> installViews(true));
            });
        }
        at(node.frozenUntil, () -> {
            if (node.incarnation == inc && node.up()) {
                List<ManagerInput> queued = new ArrayList<>(node.inbox);
                node.inbox.clear();
                feed(node, new ManagerInput.StallDetected(ms));
                for (ManagerInput in : queued) {
                    feed(node, in);
                }
            }
        });
    }

    private void installViews(boolean merge) {
        Map<Integer, List<String>> comps = new HashMap<>();
        for (String n : names) {
            Integer c = component.get(n);
            if (c != null && c >= 0 && nodes.get(n).up()) {
                comps.computeIfAbsent(c, k -> new ArrayList<>()).add(n);
            }
        }
        for (List<String> component : comps.values()) {
            for (String n : component) {
                List<String> members = component.stream().filter(m -> m.equals(n) || hears(n, m)).toList();
                Node node = nodes.get(n);
                int inc = node.incarnation;
                at(now + rnd.nextInt(50), () -> deliver(node, inc, new ManagerInput.MembershipChanged(members, merge)));
            }
        }
    }

    boolean connected(String a, String b) {
        Integer ca = component.get(a);
        Integer cb = component.get(b);
        return ca != null && ca.equals(cb) && ca >= 0;
    }

    // ----------------------------------------------------------------- inputs and actions

    void command(String n, OperatorCommand c) {
        Node node = nodes.get(n);
        deliver(node, node.incarnation, new ManagerInput.Command(seqNo, c));
    }

    void connectivity(String n, int score) {
        Node node = nodes.get(n);
        deliver(node, node.incarnation, new ManagerInput.ConnectivityChanged(score));
    }

    private void deliver(Node node, int inc, ManagerInput in) {
        if (node.incarnation != inc || !node.up()) {
            return;
        }
        if (node.frozen()) {
            node.inbox.addLast(in);
            return;
        }
        feed(node, in);
    }

    private void feed(Node node, ManagerInput in) {
        apply(node, node.rm.handle(Now.at(now), in));
        long due = node.rm.nextTimerAtMs();
        if (due <= now) {
            throw new AssertionError("timer contract broken on " + node.name + ": after " + in + " at t=" + now
                    + " the next deadline is " + due + ", which a Tick cannot consume\n" + dump());
        }
        scheduleTimer(node);
    }

    private void apply(Node node, List<ManagerAction> actions) {
        int inc = node.incarnation;
        for (ManagerAction a : actions) {
            if (!(a instanceof BroadcastReport) && !(a instanceof ManagerAction.LogEvent)) {
                node.actionLog.add(now + " " + a.describe());
            }
            if (a instanceof BroadcastReport b) {
                node.reportsSent++;
                StateReport sent = legacyReports ? withoutMembers(b.report()) : b.report();
                for (Node peer : nodes.values()) {
                    if (peer == node || !hears(peer.name, node.name)) {
                        continue;
                    }
                    long t = Math.max(node.lastDelivery.getOrDefault(peer.name, 0L), now + 1 + rnd.nextInt(20));
                    node.lastDelivery.put(peer.name, t);
                    int peerInc = peer.incarnation;
                    at(t, () -> {
                        if (node.incarnation == inc && node.up() && hears(peer.name, node.name)) {
                            deliver(peer, peerInc, new ManagerInput.PeerReport(sent));
                        }
                    });
                }
            } else if (a instanceof StartResource s && addresses.contains(s.resource().word()) && !s.handover()
                    && heldElsewhere(node, s.group() + "/" + s.resource().word())) {
                conflicts++;
                complete(node, inc, s.opId(), a.describe(), () -> OcfStatus.ERR_GENERIC, st -> { }, true);
            } else if (a instanceof StartResource s) {
                String key = s.group() + "/" + s.resource().word();
                node.host.add(key);
                complete(node, inc, s.opId(), a.describe(), () -> OcfStatus.SUCCESS, st -> {
                    if (st != OcfStatus.SUCCESS) {
                        node.host.remove(key); // a failed start leaves nothing behind in this simulation
                        node.host.add(key);    // ...except that it may: keep it until stopped (conservative)
                    }
                });
            } else if (a instanceof StopResource s) {
                String key = s.group() + "/" + s.resource().word();
                complete(node, inc, s.opId(), a.describe(), () -> OcfStatus.SUCCESS, st -> {
                    if (st == OcfStatus.SUCCESS) {
                        node.host.remove(key);
                    }
                });
            } else if (a instanceof MonitorResource m) {
                String key = m.group() + "/" + m.resource().word();
                complete(node, inc, m.opId(), a.describe(),
                        () -> node.host.contains(key) ? OcfStatus.SUCCESS : OcfStatus.NOT_RUNNING, st -> { });
            } else if (a instanceof ManagerAction.Reannounce r) {
                complete(node, inc, r.opId(), a.describe(), () -> OcfStatus.SUCCESS, st -> { });
            } else if (a instanceof ManagerAction.RunPeerFence f) {
                fence(node, inc, f);
            }
        }
    }

    private static StateReport withoutMembers(StateReport r) {
        return new StateReport(r.node(), r.incarnation(), r.seq(), r.lamport(), r.ready(), r.score(), r.standby(),
                r.groups(), r.failures(), r.seen(), r.registers(), r.released());
    }

    /**
     * A fence device: after a while it powers the peer off (a crash: everything on it stops at
     * once) and the hook reports success, unless an injected failure says the device was not
     * reached. A fencer that died meanwhile never gave the order.
     */
    private void fence(Node node, int inc, ManagerAction.RunPeerFence f) {
        fences++;
        at(now + 50 + rnd.nextInt(450), () -> {
            if (node.incarnation != inc || !node.up()) {
                return;
            }
            boolean ok = failingFences == 0;
            if (ok) {
                if (!nodes.get(f.node()).crashed) {
                    log.add(now + " " + node.name + " fences " + f.node());
                    crash(f.node());
                }
            } else {
                failingFences--;
            }
            deliver(node, inc, new ManagerInput.FenceCompleted(f.fenceId(), ok, ok ? 0 : 1, ok ? "" : "injected", 10));
        });
    }

    /** Another host that has not lost power (a frozen one included) has the resource: the probe gets an answer. */
    private boolean heldElsewhere(Node node, String key) {
        return nodes.values().stream().anyMatch(n -> n != node && !n.crashed && n.host.contains(key));
    }

    private void complete(Node node, int inc, long opId, String description,
                          java.util.function.Supplier<OcfStatus> normal, Consumer<OcfStatus> effect) {
        complete(node, inc, opId, description, normal, effect, false);
    }

    private void complete(Node node, int inc, long opId, String description,
                          java.util.function.Supplier<OcfStatus> normal, Consumer<OcfStatus> effect, boolean conflict) {
        at(now + 1 + rnd.nextInt(50), () -> {
            if (node.incarnation != inc || !node.up()) {
                return;
            }
            OcfStatus injected = conflict ? null : node.inject.remove(description);
            OcfStatus st = injected != null ? injected : normal.get();
            effect.accept(st);
            deliver(node, inc, new ManagerInput.ActionCompleted(opId, st, injected != null ? "injected" : "", 10,
                    conflict));
        });
    }

    // ----------------------------------------------------------------- observations

    /** Reports broadcast by all nodes so far. */
    long reportsSent() {
        return nodes.values().stream().mapToLong(n -> n.reportsSent).sum();
    }

    /** Nodes (up) whose host has some resource of the group. */
    List<String> owners(String group) {
        List<String> o = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.up() && n.groupsHere().contains(group)) {
                o.add(n.name);
            }
        }
        return o;
    }

    /** Nodes whose host has every resource of the group. */
    List<String> fullOwners(String group) {
        ResourceGroup g = groups.stream().filter(x -> x.name().equals(group)).findFirst().orElseThrow();
        List<String> o = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.up() && g.resources().stream().allMatch(r -> n.host.contains(group + "/" + r.word()))) {
                o.add(n.name);
            }
        }
        return o;
    }

    String dump() {
        StringBuilder sb = new StringBuilder("t=" + now + " log=" + log + "\n");
        for (Node n : nodes.values()) {
            sb.append(n.name).append(n.up() ? "" : " (down)").append(" host=").append(n.host).append('\n');
            List<String> tail = n.actionLog.subList(Math.max(0, n.actionLog.size() - 15), n.actionLog.size());
            tail.forEach(l -> sb.append("   ").append(l).append('\n'));
            if (n.rm != null) {
                List<ManagerEvent> ev = n.rm.events();
                ev.subList(Math.max(0, ev.size() - 12), ev.size()).forEach(e -> sb.append("   * ").append(e).append('\n'));
            }
        }
        return sb.toString();
    }
}
