package io.lifeline.cluster;

import java.util.Arrays;

/**
 * IPsec-style anti-replay window for one sender incarnation: accepts each sequence number at
 * most once and tolerates reordering of up to {@link #SIZE} positions (a strict "greater than
 * the last one" check would drop datagrams the network or JGroups' thread pool merely reordered).
 * It starts closed below its first number: everything up to and including it counts as seen, so
 * datagrams recorded before the window was opened can never be accepted.
 * Not thread-safe; callers synchronise.
 */
final class ReplayWindow {

    static final int SIZE = 1024;
    private static final int WORDS = SIZE / 64;

    private final long[] seen = new long[WORDS];
    private long highest;

    /** A window that has accepted {@code first} and refuses every lower number. */
    ReplayWindow(long first) {
        highest = first;
        Arrays.fill(seen, -1L);
    }

    /** Records {@code seq} and returns true if it is new and inside the window, false for a replay or a too-old number. */
    boolean accept(long seq) {
        if (seq > highest) {
            long shift = seq - highest;
            if (shift >= SIZE) {
                Arrays.fill(seen, 0L);
            } else {
                for (long s = highest + 1; s <= seq; s++) {
                    clear(s);
                }
            }
            highest = seq;
            mark(seq);
            return true;
        }
        if (highest - seq >= SIZE || isMarked(seq)) {
            return false;
        }
        mark(seq);
        return true;
    }

    private static int bit(long seq) {
        return (int) Math.floorMod(seq, (long) SIZE);
    }

    private void mark(long seq) {
        int b = bit(seq);
        seen[b >>> 6] |= 1L << (b & 63);
    }

    private void clear(long seq) {
        int b = bit(seq);
        seen[b >>> 6] &= ~(1L << (b & 63));
    }

    private boolean isMarked(long seq) {
        int b = bit(seq);
        return (seen[b >>> 6] & (1L << (b & 63))) != 0;
    }
}
