package io.lifeline.faults;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary printed at the end of a run: the cluster shape, per fault kind how often it was
 * injected and the client-visible outage (median and max over the faults of that kind held
 * alone: an overlapped fault's outage belongs to two causes), per fault kind the dual-owner ms
 * inside its split windows (what issue 16 promises to bring to 0) and outside, then every
 * invariant's count and each violation with its fault context.
 */
final class SuiteReport {

    final ClusterShape shape;
    final long seed;
    final int steps;
    final List<Fault> faults;
    final List<Invariant.Violation> violations;
    final long dualOutsideMs;
    final long dualInsideMs;
    final long wallMs;
    final List<String> probeTotals;
    private final Map<Fault, Long> outages = new java.util.HashMap<>();

    SuiteReport(ClusterShape shape, long seed, int steps, List<Fault> faults, InvariantChecks checks, long dualOutsideMs, long dualInsideMs,
            long wallMs, List<String> probeTotals) {
        this.shape = shape;
        this.seed = seed;
        this.steps = steps;
        this.faults = faults;
        this.violations = List.copyOf(checks.violations);
        this.dualOutsideMs = dualOutsideMs;
        this.dualInsideMs = dualInsideMs;
        this.wallMs = wallMs;
        this.probeTotals = probeTotals;
        for (Fault f : faults) {
            outages.put(f, checks.outage(f));
        }
    }

    long count(Invariant i) {
        return violations.stream().filter(v -> v.invariant() == i).count();
    }

    String render() {
        StringBuilder b = new StringBuilder();
        b.append("Fault suite (").append(shape.cliName()).append(": ").append(shape.description).append(": ")
                .append(String.join(" ", shape.nodes.stream().map(n -> n.equals(shape.witness) ? n + " (hactl arbiter)" : n)
                        .toList())).append("): seed ").append(seed).append(", ").append(steps).append(" steps, ").append(faults.size())
                .append(" faults injected (overlaps included), ").append(wallMs / 1000).append(" s\n\n");
        b.append(String.format("%-20s %6s %6s %14s %11s%n", "fault kind", "count", "solo", "outage median", "outage max"));
        Map<FaultKind, List<Long>> solo = new EnumMap<>(FaultKind.class);
        Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
        for (Fault f : faults) {
            counts.merge(f.kind, 1, Integer::sum);
            if (f.solo()) {
                solo.computeIfAbsent(f.kind, k -> new ArrayList<>()).add(outages.get(f));
            }
        }
        for (FaultKind k : kindsShown()) {
            List<Long> o = solo.getOrDefault(k, List.of());
            b.append(String.format("%-20s %6d %6d %14s %11s%n", k, counts.getOrDefault(k, 0), o.size(),
                    o.isEmpty() ? "-" : median(o) + " ms", o.isEmpty() ? "-" : o.stream().mapToLong(x -> x).max().getAsLong() + " ms"));
        }
        b.append("\n(outage: the longest gap between two successful client answers, any VIP, from the injection until the\n"
                + " cluster settled; probes every 20 ms, so 20 ms means no failed probe)\n\n");
        b.append("dual-owner ms outside partitions: ").append(dualOutsideMs)
                .append(" (inside partition windows: ").append(dualInsideMs).append(")\n\n");
        renderDualOwners(b);
        for (Invariant i : Invariant.values()) {
            b.append(String.format("%-20s %4d  %s%n", i, count(i), i.meaning));
        }
        b.append("client probes per VIP: ").append(String.join(", ", probeTotals)).append('\n');
        if (!violations.isEmpty()) {
            b.append("\nviolations:\n");
            for (Invariant.Violation v : violations) {
                b.append("  ").append(v).append(KnownFailures.find(v).map(k -> "  [known: issue 14 item " + k.issueItem() + "]")
                        .orElse("")).append('\n');
            }
        }
        return b.toString();
    }

    /** The shape's kinds, then any other kind injected (none, unless a shape draws one it does not list). */
    private List<FaultKind> kindsShown() {
        java.util.LinkedHashSet<FaultKind> shown = new java.util.LinkedHashSet<>(shape.kinds);
        faults.forEach(f -> shown.add(f.kind));
        return List.copyOf(shown);
    }

    /**
     * Per fault kind: the ms during which some VIP was on two nodes, inside the kind's split
     * windows (injection to heal plus {@link InvariantChecks#SPLIT_GRACE_MS}; splitting kinds
     * only) and outside every split window during the kind's steps (each a DUAL_OWNER violation).
     */
    private void renderDualOwners(StringBuilder b) {
        b.append("dual-owner ms per fault kind (").append(shape.cliName()).append("):\n");
        b.append(String.format(Locale.ROOT, "%-20s %6s %16s %9s %9s %14s %11s%n", "fault kind", "faults", "in split windows",
                "median", "max one", "faults with it", "outside"));
        for (FaultKind k : kindsShown()) {
            List<Fault> of = faults.stream().filter(f -> f.kind == k).toList();
            if (of.isEmpty()) {
                continue;
            }
            long in = of.stream().mapToLong(f -> f.dualInSplitMs).sum();
            long max = of.stream().mapToLong(f -> f.dualInSplitMs).max().orElse(0);
            long median = median(of.stream().map(f -> f.dualInSplitMs).toList());
            long with = of.stream().filter(f -> f.dualInSplitMs > 0).count();
            long out = of.stream().mapToLong(f -> f.dualOutsideMs).sum();
            b.append(String.format(Locale.ROOT, "%-20s %6d %16s %9s %9s %14s %11s%n", k, of.size(),
                    k.splitsCluster ? in + " ms" : "-", k.splitsCluster ? median + " ms" : "-", k.splitsCluster ? max + " ms" : "-",
                    k.splitsCluster ? with + "/" + of.size() : "-", out + " ms"));
        }
        b.append("(in split windows: from the injection until ").append(InvariantChecks.SPLIT_GRACE_MS)
                .append(" ms after the heal, counted once, against the latest split; median and max over the kind's\n"
                        + " faults, each fault's ms summed over every VIP; outside: while a step of the\n"
                        + " kind was under way, outside every split window: each is a DUAL_OWNER violation)\n\n");
    }

    static long median(List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
