package io.lifeline.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.lab.DaemonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seeded nemesis: draws faults (every kind once first, in a seeded order, then weighted at
 * random), injects one after the other and sometimes a second, short one on another node while
 * the first is held. Every fault is healed before the next step: the nemesis leaves every
 * daemon running, every link up. It only acts; {@link InvariantChecks} judges.
 *
 * <p>Holding a fault is a deliberate sleep (the fault's duration), not a wait for a condition.
 */
final class Nemesis {

    /** Chance that a held fault gets a second one on another node meanwhile. */
    static final double OVERLAP_CHANCE = 0.25;
    static final int FORGED_PER_FAULT = 600;
    static final int CAPTURE_COUNT = 300;

    /** Undoes one injected fault. */
    interface Heal {
        void heal() throws Exception;
    }

    private final FaultCluster cluster;
    private final Random random;
    private final InvariantChecks checks;
    private final List<FaultKind> firstRound;
    private final List<Path> captures = new ArrayList<>();
    private final AtomicInteger helperRuns = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();

    /** The kinds drawn (every kind of the shape, unless a focused run names some). */
    private final List<FaultKind> kinds;
    /**
     * What may be injected while another fault is held: the overlapping kinds among those drawn
     * (with every kind drawn, as in {@code FaultSuiteIT}, that is {@link FaultKind#overlapping()}),
     * so a focused run injects nothing else.
     */
    private final List<FaultKind> overlapChoices;

    Nemesis(FaultCluster cluster, long seed, InvariantChecks checks, List<FaultKind> kinds) {
        this.cluster = cluster;
        this.random = new Random(seed);
        this.checks = checks;
        this.kinds = List.copyOf(kinds);
        this.overlapChoices = FaultKind.overlapping().stream().filter(kinds::contains).toList();
        List<FaultKind> all = new ArrayList<>(kinds);
        Collections.shuffle(all, random);
        this.firstRound = all;
    }

    /** Captures heartbeats from the client namespace (both links broadcast), kept for replays and forgeries. */
    void capture() throws Exception {
        Path file = cluster.work.resolve("capture-" + captures.size() + ".txt");
        String out = cluster.runIn(cluster.client, FaultCluster.javaMain(Datagrams.class, "capture",
                Integer.toString(FaultCluster.HEARTBEAT_PORT), Integer.toString(CAPTURE_COUNT), "3", file.toString()),
                helperLog(), 20);
        if (Files.exists(file) && Files.size(file) > 0) {
            captures.add(file);
        } else {
            throw new IllegalStateException("no heartbeat captured from the client namespace: " + out);
        }
    }

    private Path helperLog() {
        return cluster.work.resolve("helpers").resolve("run-" + helperRuns.incrementAndGet() + ".log");
    }

    FaultKind draw(int index) {
        if (index < firstRound.size()) {
            return firstRound.get(index);
        }
        int total = 0;
        for (FaultKind k : kinds) {
            total += k.weight;
        }
        int r = random.nextInt(total);
        for (FaultKind k : kinds) {
            r -= k.weight;
            if (r < 0) {
                return k;
            }
        }
        throw new AssertionError();
    }

    private long hold(FaultKind k) {
        return k.maxHoldMs == k.minHoldMs ? k.minHoldMs : k.minHoldMs + (long) (random.nextDouble() * (k.maxHoldMs - k.minHoldMs));
    }

    private String anyNode() {
        return cluster.nodes.get(random.nextInt(cluster.nodes.size()));
    }

    /** A node the shape lets a fault of {@code k} aim at (with three nodes: any). */
    private String targetNode(FaultKind k) {
        List<String> targets = cluster.shape.targets(k);
        return targets.get(random.nextInt(targets.size()));
    }

    /**
     * Step {@code index}: draws a fault, injects it, holds it (maybe with a second fault
     * meanwhile), heals it. Returns every fault injected, the primary first.
     */
    List<Fault> step(int index) throws Exception {
        FaultKind kind = draw(index);
        String label = Integer.toString(index + 1);
        Fault primary = new Fault(label, kind, targetOf(kind), hold(kind));
        List<Fault> injected = new ArrayList<>(List.of(primary));
        Heal heal = inject(primary);
        boolean overlap = kind.hostsOverlap() && primary.holdMs >= 2_000 && primary.node != null
                && !overlapChoices.isEmpty() && random.nextDouble() < OVERLAP_CHANCE;
        if (overlap) {
            List<FaultKind> choices = overlapChoices;
            FaultKind k2 = choices.get(random.nextInt(choices.size()));
            List<String> others = new ArrayList<>(cluster.shape.dataNodes());
            others.remove(primary.node);
            String node2 = k2.ofOneNode() ? others.get(random.nextInt(others.size())) : null;
            long lead = (long) (random.nextDouble() * primary.holdMs / 2);
            Fault second = new Fault(label + "b", k2, node2, Math.min(hold(k2), primary.holdMs - lead));
            primary.overlaps(second);
            Thread.sleep(lead);
            Heal heal2 = inject(second);
            Thread.sleep(second.holdMs);
            heal2.heal();
            second.healedAtMs = System.currentTimeMillis();
            injected.add(second);
            Thread.sleep(Math.max(0, primary.holdMs - lead - second.holdMs));
        } else {
            Thread.sleep(primary.holdMs);
        }
        if (cluster.shape != ClusterShape.THREE) {
            // what the split decided, in the fault's context (the three-node suite stays as it was)
            primary.detail += (primary.detail.isEmpty() ? "" : "; ") + "at the heal " + holdersNow();
        }
        heal.heal();
        primary.healedAtMs = System.currentTimeMillis();
        if (cluster.shape.fences()) {
            List<String> fenced = cluster.down();
            for (String node : fenced) {
                cluster.start(node); // the fenced node's power comes back
            }
            primary.detail += fenced.isEmpty() ? "; nobody fenced" : "; fenced " + String.join("+", fenced) + ", started again";
        }
        return injected;
    }

    private String targetOf(FaultKind k) {
        return k.ofOneNode() ? targetNode(k) : null;
    }

    private Heal inject(Fault f) throws Exception {
        f.injectedAtMs = System.currentTimeMillis();
        String n = f.node;
        switch (f.kind) {
            case KILL9_RESTART -> {
                cluster.kill9(n);
                return () -> cluster.start(n);
            }
            case FREEZE -> {
                cluster.signalFreeze(n, true);
                return () -> cluster.signalFreeze(n, false);
            }
            case NODE_CUT_OFF -> {
                cluster.isolate(n);
                return () -> cluster.rejoin(n);
            }
            case ONE_LINK_CUT -> {
                cluster.cutLink(n, "eth1");
                return () -> cluster.healLink(n);
            }
            case PARTITION, WITNESS_CUT_OFF -> {
                cluster.partition(n);
                return () -> cluster.healPartition(n);
            }
            case EVEN_SPLIT -> {
                java.util.Set<String> half = java.util.Set.of(ClusterShape.TIE_BREAKER, n);
                f.detail = ClusterShape.TIE_BREAKER + "+" + n + " | "
                        + String.join("+", cluster.nodes.stream().filter(x -> !half.contains(x)).toList());
                cluster.split(half);
                return cluster::healSplit;
            }
            case ONE_SIDED_PARTITION -> {
                f.detail = "bridge " + n;
                cluster.cutAllBut(n);
                return () -> cluster.healCut(n);
            }
            case APP_KILL -> {
                FaultCluster.Group web = cluster.groups.get(0);
                List<String> holders = cluster.vipHolders(web);
                String holder = holders.isEmpty() ? cluster.nodes.get(0) : holders.get(0);
                f.detail = "nginx on " + holder + (cluster.killNginx(holder) ? " killed" : " was not running");
                checks.appKilled(holder, f.injectedAtMs);
                return () -> { };
            }
            case GRACEFUL_RESTART -> {
                cluster.terminate(n);
                return () -> cluster.start(n);
            }
            case STANDBY_ONLINE -> {
                f.detail = "standby: " + answer(n, "standby");
                return () -> f.detail += "; online: " + answer(n, "online");
            }
            case FAILOVER -> {
                FaultCluster.Group g = cluster.groups.get(random.nextInt(cluster.groups.size()));
                String asker = anyNode();
                f.detail = g.vip() + " asked on " + asker + ": " + answer(asker, "failover", "group", g.name());
                return () -> { };
            }
            case COLD_START_ALONE -> {
                stopAll();
                cluster.start(n);
                return () -> {
                    checks.loneNodeDecided(f, n);
                    for (String other : cluster.nodes) {
                        if (!other.equals(n)) {
                            cluster.start(other);
                        }
                    }
                };
            }
            case FULL_RESTART -> {
                stopAll();
                return () -> {
                    for (String node : cluster.nodes) {
                        cluster.start(node);
                    }
                };
            }
            case FORGED_DATAGRAMS -> {
                List<String> cmd = new ArrayList<>(List.of("forge", captures.get(random.nextInt(captures.size())).toString(),
                        Integer.toString(FaultCluster.HEARTBEAT_PORT), Integer.toString(FORGED_PER_FAULT),
                        Long.toString(random.nextLong()), "198.51.100.255", "203.0.113.255"));
                for (String node : cluster.nodes) {
                    cmd.add(cluster.eth0Address(node));
                }
                f.detail = cluster.runIn(cluster.client, FaultCluster.javaMain(Datagrams.class, cmd.toArray(String[]::new)),
                        helperLog(), 30).strip();
                return () -> { };
            }
            case REPLAYED_DATAGRAMS -> {
                if (random.nextBoolean()) {
                    capture();
                }
                int which = random.nextInt(captures.size());
                Path file = captures.get(which);
                String out = cluster.runIn(cluster.host(n), FaultCluster.javaMain(Datagrams.class, "replay", file.toString(),
                        Integer.toString(FaultCluster.HEARTBEAT_PORT),
                        cluster.eth0Address(n) + ">198.51.100.255", cluster.eth1Address(n) + ">203.0.113.255"),
                        helperLog(), 30).strip().replace('\n', ' ');
                f.detail = "capture " + (which + 1) + "/" + captures.size() + ": " + out;
                return () -> { };
            }
            default -> throw new AssertionError(f.kind);
        }
    }

    /** Where each VIP is right now, e.g. {@code .101 on n1, .102 on n1, .103 on nobody}: what a split decided. */
    private String holdersNow() {
        List<String> out = new ArrayList<>();
        for (FaultCluster.Group g : cluster.groups) {
            List<String> h = cluster.vipHolders(g);
            out.add(g.vip().substring(g.vip().lastIndexOf('.')) + " on " + (h.isEmpty() ? "nobody" : String.join("+", h)));
        }
        return String.join(", ", out);
    }

    private String answer(String node, String command, String... args) {
        try {
            var a = json.createObjectNode();
            for (int i = 0; i + 1 < args.length; i += 2) {
                a.put(args[i], args[i + 1]);
            }
            return cluster.call(node, command, a).toString();
        } catch (Exception e) {
            return "refused: " + e.getMessage(); // an answer too: recorded in the fault's detail
        }
    }

    /** SIGTERM to every daemon at once (a planned power-off); each waits for its own release. */
    private void stopAll() throws InterruptedException {
        List<Thread> stops = new ArrayList<>();
        for (String node : cluster.nodes) {
            Thread t = new Thread(() -> {
                try {
                    cluster.terminate(node);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-" + node);
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            t.join(120_000);
        }
    }

    static boolean allAlive(FaultCluster cluster) {
        for (DaemonNode d : cluster.daemons()) {
            if (!d.alive()) {
                return false;
            }
        }
        return true;
    }
}
