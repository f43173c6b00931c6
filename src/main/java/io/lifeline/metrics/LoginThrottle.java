package io.lifeline.metrics;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Failed logins per peer address in a sliding window: after {@link #MAX_FAILURES} failures
 * within {@link #WINDOW_MS}, further logins from that address are refused without checking the
 * password until the oldest failure is {@code WINDOW_MS} old. That bounds online guessing to a
 * few passwords a minute per address, and bounds the CPU an attacker can make the daemon spend on
 * PBKDF2. A cap on all failures together ({@link #MAX_FAILURES_ALL}) holds against many
 * addresses. Also decides which failures are logged: every one under the limit, then one line
 * when an address is throttled, so a guessing run cannot flood the log.
 */
final class LoginThrottle {

    static final int MAX_FAILURES = 5;
    static final int MAX_FAILURES_ALL = 30;
    static final long WINDOW_MS = 60_000;
    /** Addresses remembered; beyond it the stalest are forgotten (the overall cap still holds). */
    static final int MAX_PEERS = 1024;

    // a ring of failure times per address, replaced whole on each change; never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    private record Failures(long[] at, int count, boolean loggedThrottle) {
    }

    private final Map<String, Failures> byPeer = new HashMap<>();
    private final long[] all = new long[MAX_FAILURES_ALL];
    private int allCount;
    private boolean loggedAllThrottled;

    /** Whether {@code peer} may try a password now. */
    synchronized boolean allowed(String peer, long nowMs) {
        forgetOld(nowMs);
        Failures f = byPeer.get(peer);
        return allCount < MAX_FAILURES_ALL && (f == null || f.count() < MAX_FAILURES);
    }

    /** Counts a failed login (wrong user or password). */
    synchronized void failed(String peer, long nowMs) {
        forgetOld(nowMs);
        if (allCount < MAX_FAILURES_ALL) {
            all[allCount++] = nowMs;
        }
        Failures f = byPeer.get(peer);
        if (f == null) {
            if (byPeer.size() >= MAX_PEERS) {
                byPeer.remove(byPeer.keySet().iterator().next());
            }
            f = new Failures(new long[MAX_FAILURES], 0, false);
        }
        if (f.count() < MAX_FAILURES) {
            f.at()[f.count()] = nowMs;
            f = new Failures(f.at(), f.count() + 1, f.loggedThrottle());
        }
        byPeer.put(peer, f);
    }

    /**
     * Whether the refusal of a throttled {@code peer} should be logged: once per throttled
     * stretch, so the log says it began without a line per guess.
     */
    synchronized boolean logThrottled(String peer) {
        Failures f = byPeer.get(peer);
        if (f != null && f.count() >= MAX_FAILURES) {
            if (f.loggedThrottle()) {
                return false;
            }
            byPeer.put(peer, new Failures(f.at(), f.count(), true));
            return true;
        }
        boolean first = !loggedAllThrottled; // throttled by the overall cap
        loggedAllThrottled = true;
        return first;
    }

    /** A successful login clears the address's failures (an admin's typo does not linger). */
    synchronized void succeeded(String peer) {
        byPeer.remove(peer);
    }

    private void forgetOld(long nowMs) {
        int keep = 0;
        for (int i = 0; i < allCount; i++) {
            if (nowMs - all[i] < WINDOW_MS) {
                all[keep++] = all[i];
            }
        }
        allCount = keep;
        if (allCount < MAX_FAILURES_ALL) {
            loggedAllThrottled = false;
        }
        for (Iterator<Map.Entry<String, Failures>> it = byPeer.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Failures> e = it.next();
            Failures f = e.getValue();
            int k = 0;
            for (int i = 0; i < f.count(); i++) {
                if (nowMs - f.at()[i] < WINDOW_MS) {
                    f.at()[k++] = f.at()[i];
                }
            }
            if (k == 0) {
                it.remove();
            } else if (k != f.count()) {
                e.setValue(new Failures(f.at(), k, false));
            }
        }
    }
}
