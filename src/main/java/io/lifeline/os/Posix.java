package io.lifeline.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;

/**
 * The libc calls Lifeline makes outside the kernel sockets of {@code io.lifeline.net}, for
 * callers that must not depend on JNA: signals, priorities, scheduling, memory locking, pipes
 * and a Unix datagram socket for syslog. They keep C's shape: a return value, then
 * {@link #errno()} for the reason ({@link Errno#describe} names it). libc is loaded on the first
 * call; an {@link UnsatisfiedLinkError} there is the caller's to handle.
 */
public final class Posix {

    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;

    /** {@code getpriority}/{@code setpriority}: on Linux, {@code who} is a thread id (0: the caller). */
    public static final int PRIO_PROCESS = 0;

    public static final int SCHED_RR = 2;
    public static final int SCHED_RESET_ON_FORK = 0x40000000;

    public static final int MCL_CURRENT = 1;
    public static final int MCL_FUTURE = 2;
    /** Linux 4.4+: lock pages when they are first touched instead of populating every mapping now. */
    public static final int MCL_ONFAULT = 4;

    public static final int AF_UNIX = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int O_CLOEXEC = 0x80000;

    private Posix() {
    }

    /** Makes sure libc can be called; throws {@link UnsatisfiedLinkError} when it cannot be loaded. */
    public static void load() {
        Libraries.raw();
    }

    /** errno of this thread's last libc call. */
    public static int errno() {
        return Native.getLastError();
    }

    public static String strerror(int errno) {
        return Libraries.raw().strerror(errno);
    }

    public static final int SIGHUP = 1;

    /**
     * Makes an ignored signal take its default action again (the JVM then installs its handler
     * for it): a process started from {@code nohup} or a shell that ignored SIGHUP inherits the
     * disposition, and the JVM leaves an ignored signal ignored. Only an ignored signal is
     * touched: it is read with sigaction first.
     *
     * @return true if the signal was ignored and now is not
     */
    public static boolean unignore(int signal) {
        try (com.sun.jna.Memory old = new com.sun.jna.Memory(256)) { // struct sigaction is 152 bytes on x86-64
            old.clear();
            if (Libraries.raw().sigaction(signal, null, old) != 0) {
                return false;
            }
            if (old.getLong(0) != 1L) { // SIG_IGN
                return false;
            }
            Libraries.raw().signal(signal, 0L); // SIG_DFL
            return true;
        }
    }

    public static int kill(int pid, int signal) {
        return Libraries.raw().kill(pid, signal);
    }

    public static int getpriority(int which, int who) {
        return Libraries.raw().getpriority(which, who);
    }

    public static int setpriority(int which, int who, int prio) {
        return Libraries.raw().setpriority(which, who, prio);
    }

    /** {@code sched_setscheduler(pid, policy, {priority})}. */
    public static int schedSetScheduler(int pid, int policy, int priority) {
        return Libraries.raw().sched_setscheduler(pid, policy, new int[] {priority});
    }

    public static int mlockall(int flags) {
        return Libraries.raw().mlockall(flags);
    }

    public static int socket(int domain, int type, int protocol) {
        return Libraries.raw().socket(domain, type, protocol);
    }

    /** {@code addr} holds the address bytes (e.g. a {@code struct sockaddr_un}). */
    public static long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen) {
        return Libraries.raw().sendto(fd, buf, len, flags, addr, addrlen);
    }

    public static int close(int fd) {
        return Libraries.raw().close(fd);
    }

    /** {@code pipe2(fds, flags)}: {read end, write end}. */
    public static int[] pipe(int flags) throws IOException {
        int[] fds = new int[2];
        try {
            Libraries.checked().pipe2(fds, flags);
        } catch (LastErrorException e) {
            throw new IOException("cannot create a pipe (errno " + e.getErrorCode() + ")");
        }
        return fds;
    }

    /** {@code close(fd)}, ignoring a descriptor that is already closed. */
    public static void closeQuietly(int fd) {
        try {
            Libraries.checked().close(fd);
        } catch (LastErrorException ignored) {
            // already closed
        }
    }
}
