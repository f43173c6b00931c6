package io.lifeline.manager;

import java.util.Comparator;

/**
 * A Lamport timestamp with the issuing node as tie-break: a total order on operator decisions
 * (pins, maintenance, cleanup) that all nodes agree on without synchronised clocks, and that
 * respects causality (a cleanup issued after a failure was reported clears it).
 */
public record Stamp(long lamport, String node) implements Comparable<Stamp> {

    public static final Stamp ZERO = new Stamp(0, "");

    private static final Comparator<Stamp> ORDER =
            Comparator.comparingLong(Stamp::lamport).thenComparing(Stamp::node);

    @Override
    public int compareTo(Stamp o) {
        return ORDER.compare(this, o);
    }

    public boolean isAfter(Stamp o) {
        return compareTo(o) > 0;
    }
}
