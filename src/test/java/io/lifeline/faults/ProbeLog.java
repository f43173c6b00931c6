package io.lifeline.faults;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Observer: the client's probe results ({@link ClientProbe}'s output), read as the file grows.
 * Keeps every successful probe per VIP (start time, serving node) in arrival order; an outage
 * is the longest gap between two successive successful answers, as in bench/outage.
 */
final class ProbeLog {

    private final Path file;
    private long offset;
    private final int vips;
    private final long[][] okAt;
    private final byte[][] okBy;
    private final int[] okCount;
    private final int[] failCount;
    /** Per VIP, the start time of the latest probe read, answered or not. */
    private final long[] lastProbeAt;
    private String partial = "";

    ProbeLog(Path file, int vips) {
        this.file = file;
        this.vips = vips;
        okAt = new long[vips][1024];
        okBy = new byte[vips][1024];
        okCount = new int[vips];
        failCount = new int[vips];
        lastProbeAt = new long[vips];
    }

    /** Reads what the probe wrote since the last call. */
    synchronized void refresh() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (f.length() <= offset) {
                return;
            }
            byte[] buf = new byte[(int) Math.min(f.length() - offset, 64L << 20)];
            f.seek(offset);
            f.readFully(buf);
            offset += buf.length;
            String text = partial + new String(buf, StandardCharsets.US_ASCII);
            int end = text.lastIndexOf('\n');
            partial = text.substring(end + 1);
            for (String line : text.substring(0, Math.max(end, 0)).split("\n")) {
                String[] f4 = line.split(" ");
                if (f4.length < 4) {
                    continue;
                }
                int v = Integer.parseInt(f4[1]);
                lastProbeAt[v] = Math.max(lastProbeAt[v], Long.parseLong(f4[0]));
                if (f4[2].equals("ok")) {
                    add(v, Long.parseLong(f4[0]), (byte) (f4[3].charAt(1) - '0'));
                } else {
                    failCount[v]++;
                }
            }
        }
    }

    private void add(int v, long at, byte node) {
        if (okCount[v] == okAt[v].length) {
            okAt[v] = Arrays.copyOf(okAt[v], okAt[v].length * 2);
            okBy[v] = Arrays.copyOf(okBy[v], okBy[v].length * 2);
        }
        // probes finish out of order by a few ms; keep the array sorted by start time
        int i = okCount[v];
        while (i > 0 && okAt[v][i - 1] > at) {
            okAt[v][i] = okAt[v][i - 1];
            okBy[v][i] = okBy[v][i - 1];
            i--;
        }
        okAt[v][i] = at;
        okBy[v][i] = node;
        okCount[v]++;
    }

    /** Whether {@code node} (e.g. "n2") answered for VIP {@code v} in a probe started at or after {@code sinceMs}. */
    synchronized boolean servedBy(int v, String node, long sinceMs) {
        byte n = (byte) (node.charAt(1) - '0');
        for (int i = okCount[v] - 1; i >= 0 && okAt[v][i] >= sinceMs; i--) {
            if (okBy[v][i] == n) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a probe started at or after {@code atMs} has been read for every VIP: until then a
     * gap reaching {@code atMs} may only be a probe not written yet (see {@link #longestGap}).
     */
    synchronized boolean readPast(long atMs) {
        for (long at : lastProbeAt) {
            if (at < atMs) {
                return false;
            }
        }
        return true;
    }

    /** Who answered VIP {@code v} last, or "nobody" */
    synchronized String lastServer(int v) {
        return okCount[v] == 0 ? "nobody" : "n" + okBy[v][okCount[v] - 1];
    }

    /**
     * The longest gap (ms) between two successive successful answers for VIP {@code v} that
     * overlaps [fromMs, toMs]; the baseline is the probe interval (20 ms).
     */
    synchronized long longestGap(int v, long fromMs, long toMs) {
        long worst = 0;
        int first = Math.max(0, lowerBound(v, fromMs) - 1);
        for (int i = first; i + 1 < okCount[v] && okAt[v][i] <= toMs; i++) {
            worst = Math.max(worst, okAt[v][i + 1] - okAt[v][i]);
        }
        if (okCount[v] > 0 && okAt[v][okCount[v] - 1] < toMs) {
            worst = Math.max(worst, toMs - Math.max(okAt[v][okCount[v] - 1], fromMs)); // not served again yet
        }
        return worst;
    }

    private int lowerBound(int v, long t) {
        int lo = 0;
        int hi = okCount[v];
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (okAt[v][mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    synchronized List<String> totals() {
        List<String> out = new ArrayList<>();
        for (int v = 0; v < vips; v++) {
            out.add(okCount[v] + " ok / " + failCount[v] + " failed");
        }
        return out;
    }
}
