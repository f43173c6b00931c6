package io.lifeline.cluster;

/**
 * Anti-replay window for one sender incarnation: accepts each sequence number at most once and
 * remembers the last {@link #SIZE} numbers it <em>accepted</em>, however far apart they are.
 * A number at or below the floor (the largest number it has forgotten, or the one it was opened
 * at) is refused, since it cannot tell whether it saw it.
 *
 * <p>Why counted in accepted datagrams and not in sequence numbers (an IPsec-style bitmap of the
 * last 1024 numbers, as before 2026-12-06): a sender numbers every datagram it sends, to every
 * peer, from one counter, on whichever thread sends it (the transport has no bundler thread, so
 * heartbeat timer, report sender and receiver threads all seal and send, at different priorities),
 * and a bcast receiver reads broadcasts and unicasts from two sockets on two threads. So a
 * genuine datagram can reach the window after later-numbered ones, and the distance in numbers
 * counts every datagram its sender sent meanwhile to every other node: at 16 nodes a broadcast
 * read a moment after the unicast that followed it could already lie more than 1024 numbers
 * back and was refused as a replay (bench/scale, 2026-12-06). Here it is refused only if this
 * receiver has already accepted {@link #SIZE} later datagrams of that sender, i.e. after a delay
 * of many seconds of that sender's traffic to this node (a storm of 100 datagrams a second from one
 * sender: 10 s), far beyond deadtime. Memory per sender: 16 KiB, whatever the numbers are.
 *
 * <p>Not thread-safe; callers synchronise.
 */
final class ReplayWindow {

    /** Accepted sequence numbers remembered per sender incarnation. */
    static final int SIZE = 1024;

    /** Accepted numbers above the floor, ascending, in {@code numbers[lo..hi)}; room to shift without copying often. */
    private final long[] numbers = new long[2 * SIZE + 2];
    private int lo;
    private int hi;
    /** Every number at or below it counts as seen. */
    private long floor;

    /** A window that has accepted {@code first} and refuses every lower number. */
    ReplayWindow(long first) {
        floor = first;
    }

    /** Records {@code seq} and returns true if it is new and above the floor; false for a replay or a forgotten number. */
    boolean accept(long seq) {
        return verdict(seq) == Verdict.ACCEPTED;
    }

    /** Why a number was refused, for the drop's detail. */
    enum Verdict { ACCEPTED, ALREADY_ACCEPTED, BELOW_WINDOW }

    /** Like {@link #accept}, saying why a number is refused. */
    Verdict verdict(long seq) {
        if (seq <= floor) {
            return Verdict.BELOW_WINDOW;
        }
        if (hi == numbers.length) {
            System.arraycopy(numbers, lo, numbers, 0, hi - lo);
            hi -= lo;
            lo = 0;
        }
        if (hi == lo || seq > numbers[hi - 1]) {
            numbers[hi++] = seq; // the usual case: the newest number so far
        } else {
            int at = java.util.Arrays.binarySearch(numbers, lo, hi, seq);
            if (at >= 0) {
                return Verdict.ALREADY_ACCEPTED;
            }
            int insert = -at - 1;
            System.arraycopy(numbers, insert, numbers, insert + 1, hi - insert); // reordering is short: few move
            numbers[insert] = seq;
            hi++;
        }
        if (hi - lo > SIZE) {
            floor = numbers[lo++]; // forget the oldest: it and everything below now count as seen
        }
        return Verdict.ACCEPTED;
    }
}
