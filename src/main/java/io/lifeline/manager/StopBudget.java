package io.lifeline.manager;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * How long this node needs to stop everything it runs, from what its stops took: the stop budget
 * of the quorum lease (docs/leases.md, "Stopping before the lease ends"). A node without a
 * renewed lease starts stopping this long before the lease ends, so that its groups are down when
 * a peer may start them.
 *
 * <p>Per resource it keeps the last {@link #KEPT} stop durations and counts the longest, so a slow
 * stop on a loaded box is remembered for a while. A resource never stopped here counts with its
 * longest start (stops are rarely slower than starts; a VIP takes both in milliseconds), and one
 * never started here either (found running by the probe) with {@link #UNMEASURED_MS}. Groups stop
 * in parallel, each right to left, so the budget is the longest group's sum, plus the manager's
 * own reaction time.
 */
final class StopBudget {

    /** Stops (and starts) remembered per resource. */
    static final int KEPT = 10;
    /** A resource with no measured stop or start here. */
    static final long UNMEASURED_MS = 100;
    /** From the lease timer's input to the first stop running: the manager's queue and threads. */
    static final long REACTION_MS = 20;

    private final Map<String, ArrayDeque<Long>> stops = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> starts = new HashMap<>();

    /** A stop of the resource (its haresources word) took this long. */
    void stopped(String word, long durationMs) {
        remember(stops, word, durationMs);
    }

    /** A start of the resource took this long. */
    void started(String word, long durationMs) {
        remember(starts, word, durationMs);
    }

    private static void remember(Map<String, ArrayDeque<Long>> kept, String word, long durationMs) {
        ArrayDeque<Long> last = kept.computeIfAbsent(word, w -> new ArrayDeque<>());
        if (last.size() == KEPT) {
            last.removeFirst();
        }
        last.addLast(Math.max(0, durationMs));
    }

    /** The time a stop of the resource is expected to take at worst. */
    long estimateMs(String word) {
        ArrayDeque<Long> s = stops.get(word);
        return s != null ? longest(s) : startEstimateMs(word);
    }

    /** The time a start of the resource is expected to take at worst. */
    long startEstimateMs(String word) {
        ArrayDeque<Long> st = starts.get(word);
        return st == null ? UNMEASURED_MS : longest(st);
    }

    private static long longest(ArrayDeque<Long> kept) {
        return kept.stream().mapToLong(Long::longValue).max().orElse(UNMEASURED_MS);
    }

    /**
     * The budget to stop every group that occupies this node: the longest group's stop, resources
     * right to left that may be up here, plus the reaction time; 0 when nothing runs here. A start
     * in flight counts whole, and so does the stop of what it starts: a stop for the lease waits
     * for it to end.
     */
    long budgetMs(Collection<LocalGroup> groups) {
        long longest = 0;
        boolean any = false;
        for (LocalGroup lg : groups) {
            if (!lg.occupies() && lg.inFlight() == null) {
                continue;
            }
            any = true;
            long sum = 0;
            LocalGroup.Op op = lg.inFlight();
            int starting = op != null && op.kind() == LocalGroup.OpKind.START ? op.index() : -1;
            for (int i = 0; i < lg.size(); i++) {
                if (lg.state(i) != ResourceState.STOPPED || i == starting) {
                    sum += estimateMs(lg.word(i));
                }
            }
            if (starting >= 0) {
                sum += startEstimateMs(lg.word(starting));
            }
            longest = Math.max(longest, sum);
        }
        return any ? longest + REACTION_MS : 0;
    }
}
