package io.lifeline.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains one output stream of a child process on its own thread, keeping at most {@code limit}
 * bytes and counting the rest. It keeps draining to the end of the stream even past the limit,
 * so a child never blocks on a full pipe and never gets SIGPIPE: a script that starts a daemon
 * which inherits the pipe must not have that daemon killed by our closing the read end.
 */
final class BoundedOutput implements Runnable {

    private final InputStream in;
    private final int limit;
    private final CountDownLatch finished = new CountDownLatch(1);
    private byte[] kept = new byte[0];
    private int size;
    private long dropped;

    BoundedOutput(InputStream in, int limit) {
        this.in = in;
        this.limit = limit;
    }

    @Override
    public void run() {
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                append(chunk, n);
            }
        } catch (IOException e) {
            // the pipe broke: the process is gone; what was read so far is the output
        } finally {
            finished.countDown();
        }
    }

    private synchronized void append(byte[] chunk, int n) {
        int room = Math.max(0, limit - size);
        int take = Math.min(room, n);
        if (take > 0) {
            if (size + take > kept.length) {
                kept = Arrays.copyOf(kept, Math.min(limit, Math.max(size + take, kept.length * 2)));
            }
            System.arraycopy(chunk, 0, kept, size, take);
            size += take;
        }
        dropped += n - take;
    }

    /** Waits up to {@code millis} for the end of the stream; false if something still holds it open. */
    boolean awaitEnd(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    /** The text read so far, decoded as UTF-8 (bad bytes replaced), with a marker if cut. */
    synchronized String text() {
        String text = new String(kept, 0, size, StandardCharsets.UTF_8);
        if (dropped > 0) {
            text += (text.endsWith("\n") ? "" : "\n") + "[... " + dropped + " bytes truncated]\n";
        }
        return text;
    }
}
