package io.lifeline.daemon;

import io.lifeline.thread.NamedThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what a long-running child writes to stdout and stderr, one log line per output line,
 * prefixed with the child's name. Reads to the end of the stream, even when nothing more is
 * logged: a child (or what it forked) must never block on a full pipe or die of SIGPIPE.
 *
 * <p>Bounded, because a chatty or looping program must not fill the disk through our log:
 * lines are cut at {@value #MAX_LINE} bytes, and at most {@value #MAX_LINES_PER_WINDOW} lines
 * per {@value #WINDOW_MILLIS} ms are logged; the rest are counted and the count is logged.
 */
final class ChildOutputLog implements Runnable {

    static final int MAX_LINE = 4096;
    static final int MAX_LINES_PER_WINDOW = 200;
    static final long WINDOW_MILLIS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(RespawnedChild.class);
    /** ll-respawn-out-N-NAME, NAME the respawned program's. */
    private static final NamedThreads THREADS = NamedThreads.daemon("respawn-out");

    private final String name;
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int cutBytes;
    private long windowStart = System.nanoTime();
    private int loggedInWindow;
    private long suppressed;

    ChildOutputLog(String name, InputStream in) {
        this.name = name;
        this.in = in;
    }

    /** Starts draining on a daemon thread of its own. */
    static void start(String name, InputStream in) {
        THREADS.start(new ChildOutputLog(name, in), name);
    }

    @Override
    public void run() {
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = chunk[i];
                    if (b == '\n') {
                        endLine();
                    } else if (line.size() < MAX_LINE) {
                        line.write(b);
                    } else {
                        cutBytes++;
                    }
                }
            }
        } catch (IOException e) {
            // the pipe broke: every writer is gone
        }
        if (line.size() > 0 || cutBytes > 0) {
            endLine();
        }
        reportSuppressed();
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
        if (cutBytes > 0) {
            text += " [... " + cutBytes + " bytes cut]";
        }
        line.reset();
        cutBytes = 0;
        if (text.isBlank()) {
            return;
        }
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_MILLIS * 1_000_000L) {
            reportSuppressed();
            windowStart = now;
            loggedInWindow = 0;
        }
        if (loggedInWindow < MAX_LINES_PER_WINDOW) {
            loggedInWindow++;
            LOG.info("{}: {}", name, text);
        } else {
            suppressed++;
        }
    }

    private void reportSuppressed() {
        if (suppressed > 0) {
            LOG.warn("{}: {} output line(s) not logged (more than {} in {} s)", name, suppressed,
                    MAX_LINES_PER_WINDOW, WINDOW_MILLIS / 1000);
            suppressed = 0;
        }
    }
}
