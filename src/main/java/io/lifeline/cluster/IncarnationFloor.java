package io.lifeline.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * The start time this daemon's link incarnations are numbered from, kept in the state directory
 * so that it grows across restarts even when the wall clock steps back in between (an NTP
 * correction, a VM restored with an old clock).
 *
 * <p>Why: peers refuse an incarnation older than the newest they accepted from a node (replay
 * protection, docs/cluster.md); an incarnation numbered from a clock that went back would be
 * refused until every peer restarts. Numbering from {@code max(now, last start + 1 ms)} keeps
 * every restart's incarnation larger than the one before.
 */
public final class IncarnationFloor {

    static final String FILE = "incarnation";

    private IncarnationFloor() {
    }

    /**
     * The start time (ms since the epoch) for this run's incarnations: the wall clock, or one
     * millisecond after the previous run's when the clock is behind it. Recorded before it is
     * returned, so a crash right after cannot let the next run reuse it.
     *
     * @throws IOException when the state directory cannot be written (the caller stops: starting
     *                     without the record could make this node's next incarnation unacceptable)
     */
    public static long advance(Path stateDir, Clock clock) throws IOException {
        Path file = stateDir.resolve(FILE);
        long previous = read(file);
        long start = Math.max(clock.millis(), previous + 1);
        Files.createDirectories(stateDir);
        Path tmp = stateDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, start + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return start;
    }

    /** The recorded start, or {@link Long#MIN_VALUE} when there is none or it is unreadable. */
    private static long read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            // a torn or foreign file: the wall clock is all we have, as on a first start
            return Long.MIN_VALUE;
        }
    }
}
