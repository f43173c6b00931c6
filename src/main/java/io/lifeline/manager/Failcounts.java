package io.lifeline.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * This node's failures per resource of a group. Each failure counts for {@code window} on its
 * own (a sliding window, not Pacemaker's "all expire together with the newest"), so a resource
 * that failed 3 times in 10 minutes is banned exactly until the oldest of those 3 is 10 minutes
 * old. A start failure or {@code on_fail=move} weighs a whole threshold at once.
 */
final class Failcounts {

    record Key(String group, String resource) {
    }

    private record Failure(long atMs, Stamp stamp, int weight) {
    }

    private final Map<Key, List<Failure>> failures = new LinkedHashMap<>();

    void record(Key key, long nowMs, Stamp stamp, int weight) {
        failures.computeIfAbsent(key, k -> new ArrayList<>()).add(new Failure(nowMs, stamp, weight));
    }

    int count(Key key) {
        List<Failure> list = failures.get(key);
        return list == null ? 0 : list.stream().mapToInt(Failure::weight).sum();
    }

    boolean banned(Key key, ResourcePolicy policy) {
        return count(key) >= policy.threshold();
    }

    /**
     * Drops failures older than their resource's window.
     *
     * @return the keys whose ban ended now
     */
    List<Key> expire(long nowMs, Function<Key, ResourcePolicy> policies) {
        List<Key> unbanned = new ArrayList<>();
        Iterator<Map.Entry<Key, List<Failure>>> it = failures.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, List<Failure>> e = it.next();
            ResourcePolicy policy = policies.apply(e.getKey());
            boolean wasBanned = count(e.getKey()) >= policy.threshold();
            Duration window = policy.window();
            e.getValue().removeIf(f -> nowMs - f.atMs() >= window.toMillis());
            boolean isBanned = count(e.getKey()) >= policy.threshold();
            if (wasBanned && !isBanned) {
                unbanned.add(e.getKey());
            }
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        return unbanned;
    }

    /**
     * Forgets failures of matching resources that happened before {@code cleanup} (in Lamport
     * order), so a cleanup never erases a failure it could not have known about.
     *
     * @return how many failures were forgotten
     */
    int clear(Predicate<Key> matching, Stamp cleanup) {
        int cleared = 0;
        Iterator<Map.Entry<Key, List<Failure>>> it = failures.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, List<Failure>> e = it.next();
            if (!matching.test(e.getKey())) {
                continue;
            }
            int before = e.getValue().size();
            e.getValue().removeIf(f -> cleanup.isAfter(f.stamp()));
            cleared += before - e.getValue().size();
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        return cleared;
    }

    /** The earliest time at which some failure expires, or Long.MAX_VALUE. */
    long nextExpiry(Function<Key, ResourcePolicy> policies) {
        long next = Long.MAX_VALUE;
        for (Map.Entry<Key, List<Failure>> e : failures.entrySet()) {
            long window = policies.apply(e.getKey()).window().toMillis();
            for (Failure f : e.getValue()) {
                next = Math.min(next, f.atMs() + window);
            }
        }
        return next;
    }

    Map<Key, Integer> counts() {
        Map<Key, Integer> m = new LinkedHashMap<>();
        failures.keySet().forEach(k -> m.put(k, count(k)));
        return m;
    }
}
