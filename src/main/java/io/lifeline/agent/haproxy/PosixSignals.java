package io.lifeline.agent.haproxy;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * kill(2) for the signals haproxy's master understands: SIGUSR1 (soft stop), SIGUSR2 (reload),
 * SIGTERM, SIGKILL. {@link ProcessHandle} can only send TERM and KILL.
 */
final class PosixSignals {

    static final int SIGKILL = 9;
    static final int SIGUSR1 = 10;
    static final int SIGUSR2 = 12;
    static final int SIGTERM = 15;

    private interface LibC extends Library {
        int kill(int pid, int signal);
    }

    private static volatile LibC libc;

    private PosixSignals() {
    }

    /** Sends {@code signal} to one process; false when it does not exist (any more). */
    static boolean send(long pid, int signal) {
        if (pid <= 1 || pid > Integer.MAX_VALUE) {
            // never 0 (our group), -1 (everything) or init
            return false;
        }
        LibC l = libc;
        if (l == null) {
            l = Native.load("c", LibC.class);
            libc = l;
        }
        return l.kill((int) pid, signal) == 0;
    }
}
