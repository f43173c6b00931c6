package io.lifeline.agent.haproxy;

import io.lifeline.os.Posix;

/**
 * kill(2) for the signals haproxy's master understands: SIGUSR1 (soft stop), SIGUSR2 (reload),
 * SIGTERM, SIGKILL. {@link ProcessHandle} can only send TERM and KILL.
 */
final class PosixSignals {

    static final int SIGKILL = Posix.SIGKILL;
    static final int SIGUSR1 = Posix.SIGUSR1;
    static final int SIGUSR2 = Posix.SIGUSR2;
    static final int SIGTERM = Posix.SIGTERM;

    private PosixSignals() {
    }

    /** Sends {@code signal} to one process; false when it does not exist (any more). */
    static boolean send(long pid, int signal) {
        if (pid <= 1 || pid > Integer.MAX_VALUE) {
            // never 0 (our group), -1 (everything) or init
            return false;
        }
        return Posix.kill((int) pid, signal) == 0;
    }
}
