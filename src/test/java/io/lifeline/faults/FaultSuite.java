package io.lifeline.faults;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The randomized fault suite: builds the {@link FaultCluster}, starts the observers (an address
 * monitor per node, the client probe; status snapshots are taken by the checks), lets the
 * {@link Nemesis} inject {@code faults} faults from {@code seed}, checks the invariants after
 * every heal and over the whole run, and renders the {@link SuiteReport}. Used by
 * {@code FaultSuiteIT} (short, fixed seed) and by {@code FaultBench} (long runs,
 * {@code bench/faults/run.sh}).
 */
final class FaultSuite {

    static final Duration FORM = Duration.ofSeconds(90);
    /**
     * A planned move (failover, standby, graceful restart) takes 40-120 ms in this cluster; one
     * slower than this keeps every node's input journal in {@code work/slow/FAULT/}, so the decision
     * that waited can be replayed (bench/faults/README.md).
     */
    static final long SLOW_PLANNED_MOVE_MS = 300;
    static final Duration PROBES_READ_WAIT = Duration.ofSeconds(3);

    /** What a run found. */
    record Result(SuiteReport report, List<Invariant.Violation> violations, List<Fault> faults) {
    }

    private FaultSuite() {
    }

    /**
     * Waits (at most {@link #PROBES_READ_WAIT}) until the probe log holds a probe of every VIP
     * started after the step settled: an outage computed before that counts the probes not
     * written yet as a gap (a planned move of 40 ms showed as 270 ms).
     */
    private static void awaitProbesPast(ProbeLog probe, List<Fault> step) {
        long end = 0;
        for (Fault f : step) {
            end = Math.max(end, f.settledAtMs > 0 ? f.settledAtMs : f.healedAtMs + InvariantChecks.SETTLE_BOUND.toMillis());
        }
        long past = end;
        try {
            await().atMost(PROBES_READ_WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                probe.refresh();
                return probe.readPast(past);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // a probe stuck in its timeout: the outage is computed from what was read
        }
    }

    /** The three-node run with every kind ({@code FaultSuiteIT}). */
    static Result run(long seed, int faultCount, Path work, String tag) throws Exception {
        return run(ClusterShape.THREE, seed, faultCount, work, tag, ClusterShape.THREE.kinds);
    }

    /** A run of {@code shape} that draws only {@code kinds} (the shape's, or a focused subset of them). */
    static Result run(ClusterShape shape, long seed, int faultCount, Path work, String tag, List<FaultKind> kinds)
            throws Exception {
        long maxSeconds = 300 + faultCount * 60L; // every helper process ends by itself after this
        long started = System.currentTimeMillis();
        Files.createDirectories(work.resolve("helpers"));
        try (FaultCluster cluster = FaultCluster.create(shape, tag, work, maxSeconds)) {
            List<AddressWatch> watches = new ArrayList<>();
            for (String n : cluster.nodes) {
                watches.add(new AddressWatch(cluster.host(n), n, work.resolve("addresses-" + n + ".log"), maxSeconds));
            }
            List<String> probeArgs = new ArrayList<>(List.of(Long.toString(maxSeconds)));
            for (FaultCluster.Group g : cluster.groups) {
                probeArgs.add(g.vip() + ":" + g.port() + (g.port() == 80 ? ":http" : ""));
            }
            Path probeFile = work.resolve("probe.log");
            cluster.client.start(FaultCluster.javaMain(ClientProbe.class, probeArgs.toArray(String[]::new)), probeFile);
            ProbeLog probe = new ProbeLog(probeFile, cluster.groups.size());
            InvariantChecks checks = new InvariantChecks(cluster, probe, watches);

            for (String n : cluster.nodes) {
                cluster.start(n);
            }
            await("the cluster formed: every group on its node, served").atMost(FORM).pollInterval(Duration.ofMillis(500))
                    .until(() -> checks.unsettled(0).isEmpty());
            System.out.println("fault suite: cluster formed in " + (System.currentTimeMillis() - started) + " ms, seed " + seed
                    + ", shape " + shape.cliName());

            Nemesis nemesis = new Nemesis(cluster, seed, checks, kinds);
            nemesis.capture();
            List<Fault> faults = new ArrayList<>();
            for (int i = 0; i < faultCount; i++) {
                java.util.Set<String> bannedBefore = checks.vipsOfBannedGroups();
                List<Fault> step = nemesis.step(i);
                step.forEach(f -> f.vipsBannedBefore = bannedBefore);
                checks.afterHeal(step);
                faults.addAll(step);
                awaitProbesPast(probe, step);
                boolean slowPlannedMove = false;
                for (Fault f : step) {
                    long outage = checks.outage(f);
                    System.out.println("fault suite: " + f.context() + ": outage " + outage + " ms, settled "
                            + (f.settledAtMs > 0 ? (f.settledAtMs - f.healedAtMs) + " ms after the heal" : "never (stuck)"));
                    slowPlannedMove |= f.kind.plannedMove() && outage > SLOW_PLANNED_MOVE_MS;
                }
                if (slowPlannedMove) {
                    // while the journals still reach back past the fault (2000 inputs, tens of seconds)
                    cluster.saveJournals(work.resolve("slow").resolve(step.get(0).label));
                }
            }
            long[] dual = checks.finish(faults, System.currentTimeMillis());
            SuiteReport report = new SuiteReport(shape, seed, faultCount, faults, checks, dual[0], dual[1],
                    System.currentTimeMillis() - started, probe.totals());
            Files.writeString(work.resolve("summary.txt"), report.render());
            return new Result(report, List.copyOf(checks.violations), faults);
        }
    }
}
