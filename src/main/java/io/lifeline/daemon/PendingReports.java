package io.lifeline.daemon;

import io.lifeline.manager.StateReport;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * The newest state report of each peer that the manager has not taken yet. Written by the
 * cluster-events thread, read by the manager thread; its size is bounded by the number of peers.
 */
final class PendingReports {
    private final Map<String, StateReport> byNode = new HashMap<>();

    /**
     * Puts {@code report} for {@code node}, merged with one already waiting, and returns the one
     * that was waiting (null: none was, so the caller must queue a task that takes it).
     */
    synchronized StateReport getAndMerge(String node, StateReport report, BinaryOperator<StateReport> merge) {
        StateReport before = byNode.get(node);
        byNode.put(node, before == null ? report : merge.apply(before, report));
        return before;
    }

    /** Takes the waiting report of {@code node}, or null. */
    synchronized StateReport take(String node) {
        return byNode.remove(node);
    }
}
