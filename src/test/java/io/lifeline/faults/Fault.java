package io.lifeline.faults;

import java.util.ArrayList;
import java.util.List;

/** One injected fault and its timeline (epoch ms); the context every violation names. */
final class Fault {
    final String label;
    final FaultKind kind;
    final String node;
    final long holdMs;
    String detail = "";
    long injectedAtMs;
    long healedAtMs;
    /** When every group ran on one node and was served again; 0 while not (stuck). */
    long settledAtMs;
    /** Faults held at the same time as this one (by label), and their kinds. */
    final List<String> overlappedWith = new ArrayList<>();
    final List<FaultKind> overlappedKinds = new ArrayList<>();
    /**
     * VIPs of groups that some node was banned from when this fault began: when the ban expires
     * the group may move home (failback), which is not this fault's doing.
     */
    java.util.Set<String> vipsBannedBefore = java.util.Set.of();
    /** Ms a VIP was on two nodes inside this split's window (a splitting kind only), set at the end of the run. */
    long dualInSplitMs;
    /** Ms a VIP was on two nodes outside every split window while this fault's step was under way. */
    long dualOutsideMs;

    Fault(String label, FaultKind kind, String node, long holdMs) {
        this.label = label;
        this.kind = kind;
        this.node = node;
        this.holdMs = holdMs;
    }

    void overlaps(Fault other) {
        overlappedWith.add(other.label);
        overlappedKinds.add(other.kind);
        other.overlappedWith.add(label);
        other.overlappedKinds.add(kind);
    }

    boolean solo() {
        return overlappedWith.isEmpty();
    }

    /** e.g. {@code #7 FREEZE n2 held 1400 ms (overlapping #7b)}. */
    String context() {
        return "#" + label + " " + kind + (node == null ? "" : " " + node) + (holdMs > 0 ? " held " + holdMs + " ms" : "")
                + (detail.isEmpty() ? "" : " [" + detail + "]")
                + (overlappedWith.isEmpty() ? "" : " (overlapping #" + String.join(", #", overlappedWith) + ")");
    }

    @Override
    public String toString() {
        return context();
    }
}
