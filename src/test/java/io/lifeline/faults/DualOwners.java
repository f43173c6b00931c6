package io.lifeline.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Interval arithmetic for the address monitors: when was one VIP held by two nodes or more. */
final class DualOwners {

    private DualOwners() {
    }

    /** The [from, to) intervals during which at least two of {@code holdings} (one VIP) overlap. */
    static List<long[]> intervals(List<AddressWatch.Holding> holdings) {
        List<long[]> edges = new ArrayList<>(); // {time, +1 | -1}
        for (AddressWatch.Holding h : holdings) {
            edges.add(new long[] {h.fromMs(), 1});
            edges.add(new long[] {h.toMs(), -1});
        }
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1])); // ends first
        List<long[]> out = new ArrayList<>();
        int count = 0;
        long from = 0;
        for (long[] e : edges) {
            int before = count;
            count += (int) e[1];
            if (before < 2 && count >= 2) {
                from = e[0];
            } else if (before >= 2 && count < 2 && e[0] > from) {
                out.add(new long[] {from, e[0]});
            }
        }
        return out;
    }

    /** The parts of {@code interval} outside every window. */
    static List<long[]> subtract(long[] interval, List<long[]> windows) {
        List<long[]> pieces = new ArrayList<>(List.of(interval));
        for (long[] w : windows) {
            List<long[]> next = new ArrayList<>();
            for (long[] p : pieces) {
                if (w[1] <= p[0] || w[0] >= p[1]) {
                    next.add(p);
                    continue;
                }
                if (p[0] < w[0]) {
                    next.add(new long[] {p[0], w[0]});
                }
                if (w[1] < p[1]) {
                    next.add(new long[] {w[1], p[1]});
                }
            }
            pieces = next;
        }
        return pieces;
    }

    static String holdersAt(List<AddressWatch.Holding> holdings, String vip, long atMs) {
        List<String> nodes = new ArrayList<>();
        for (AddressWatch.Holding h : holdings) {
            if (h.vip().equals(vip) && h.fromMs() <= atMs && atMs < h.toMs()) {
                nodes.add(h.node());
            }
        }
        return String.join(" and ", nodes);
    }
}
