package io.lifeline.process;

import io.lifeline.os.Posix;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A pipe for a child's stdout or stderr that Lifeline owns, instead of the JDK's.
 *
 * <p>When a child started with {@code Redirect.PIPE} exits, the JDK's process reaper closes the
 * read end of its output pipes (it drains what is buffered and closes the descriptor) unless a
 * reader is blocked in {@code read} at that moment. A daemon that a start script left behind
 * still holding the script's stdout then dies of SIGPIPE on its next write (ScriptStylesIT
 * caught it about one run in five). With our own pipe the reader keeps draining until every
 * writer is gone, so such a daemon can write as long as it likes (the output is discarded once
 * the command's result is in).
 *
 * <p>The child gets the write end through {@code Redirect.to(/proc/self/fd/N)}: opening that
 * path opens the same pipe, and ProcessBuilder closes its copy after the fork.
 *
 * <p>Public for the daemon's respawned children (io.lifeline.daemon.RespawnedChild), whose
 * output must outlive them in the same way.
 */
public final class OutputPipe implements AutoCloseable {
    private int readFd;
    private int writeFd;

    private OutputPipe(int readFd, int writeFd) {
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    public static OutputPipe open() throws IOException {
        int[] fds = Posix.pipe(Posix.O_CLOEXEC);
        return new OutputPipe(fds[0], fds[1]);
    }

    /** Where ProcessBuilder should send the child's output. */
    public File writeEnd() {
        return new File("/proc/self/fd/" + writeFd);
    }

    /**
     * The reading side as a stream the caller owns (our descriptor is closed); it reaches EOF
     * when every writer has closed the pipe. Call while the write end is still open here: opening
     * a pipe by path waits for a writer.
     */
    public InputStream reader() throws IOException {
        FileInputStream in = new FileInputStream("/proc/self/fd/" + readFd);
        Posix.closeQuietly(readFd);
        readFd = -1;
        return in;
    }

    /** Closes our write end once the child has its own (after start), so EOF can come. */
    void closeWriteEnd() {
        if (writeFd >= 0) {
            Posix.closeQuietly(writeFd);
            writeFd = -1;
        }
    }

    /** Closes whatever is still ours (after a failed start). */
    @Override
    public void close() {
        closeWriteEnd();
        if (readFd >= 0) {
            Posix.closeQuietly(readFd);
            readFd = -1;
        }
    }
}
