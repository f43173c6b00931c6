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

    /**
     * Cuts {@code interval} at every window edge inside it and says for each piece which window
     * it lies in: {@code {window, from, to}}, the window's index, or -1 for a piece outside every
     * window. Where windows overlap (a split's grace reaching into the next split) the piece goes
     * to the window that began last, so each millisecond is counted once, against the latest
     * split that could explain it.
     */
    static List<long[]> attribute(long[] interval, List<long[]> windows) {
        java.util.TreeSet<Long> cuts = new java.util.TreeSet<>(List.of(interval[0], interval[1]));
        for (long[] w : windows) {
            for (long edge : w) {
                if (edge > interval[0] && edge < interval[1]) {
                    cuts.add(edge);
                }
            }
        }
        List<long[]> out = new ArrayList<>();
        Long from = null;
        for (long to : cuts) {
            if (from != null && to > from) {
                int in = -1;
                for (int i = 0; i < windows.size(); i++) {
                    long[] w = windows.get(i);
                    if (w[0] <= from && to <= w[1] && (in < 0 || w[0] >= windows.get(in)[0])) {
                        in = i;
                    }
                }
                if (!out.isEmpty() && out.get(out.size() - 1)[0] == in && out.get(out.size() - 1)[2] == from) {
                    out.get(out.size() - 1)[2] = to; // the same window (or outside) goes on
                } else {
                    out.add(new long[] {in, from, to});
                }
            }
            from = to;
        }
        return out;
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
