package io.lifeline.process;

import io.lifeline.os.Posix;
import java.io.IOException;

/**
 * Starts child processes at the normal priority (nice 0) although the daemon runs at nice -10.
 *
 * <p>Linux keeps the nice value per thread and a child inherits it from the thread that starts
 * it, so every script, nginx and HAProxy Lifeline started ran at nice -10 and competed with the
 * heartbeats it is meant to lose to (Heartbeat likewise drops its realtime priority in every
 * child it forks). The thread goes to nice 0 for the start only and then back: agent threads
 * also run in-process work (a VIP's address and ARP) that should keep the daemon's priority.
 * Raising a nice value back needs CAP_SYS_NICE, which the daemon had to lower it in the first
 * place. A thread already at nice 0 or above is left alone. Failures leave the child at the
 * thread's priority, never fail the start.
 */
public final class ChildPriority {

    private ChildPriority() {
    }

    /** {@link ProcessBuilder#start()}, with the calling thread at nice 0 or above while it forks. */
    public static Process start(ProcessBuilder builder) throws IOException {
        int nice = threadNice();
        if (nice >= 0 || !setThreadNice(0)) {
            return builder.start();
        }
        try {
            return builder.start();
        } finally {
            setThreadNice(nice);
        }
    }

    /** The calling thread's nice value (Linux: {@code who = 0} is the calling thread); 0 if unknown. */
    static int threadNice() {
        try {
            return Posix.getpriority(Posix.PRIO_PROCESS, 0);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 0;
        }
    }

    static boolean setThreadNice(int nice) {
        try {
            return Posix.setpriority(Posix.PRIO_PROCESS, 0, nice) == 0;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }
}
