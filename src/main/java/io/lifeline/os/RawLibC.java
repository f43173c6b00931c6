package io.lifeline.os;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The libc calls whose callers check the return value and then read errno
 * ({@link Posix#errno()}): no {@code LastErrorException}, because JNA would throw on any errno
 * left over by a call that succeeded ({@code getpriority} may return -1 and succeed). Reached
 * through {@link Posix} and {@link UserAccounts}. {@code ssize_t}/{@code size_t} are mapped to
 * {@code long}: LP64 Linux only.
 */
interface RawLibC extends Library {

    int kill(int pid, int signal);

    /** {@code act} and {@code oldact} are struct sigaction buffers; its first member is the handler. */
    int sigaction(int signum, Pointer act, Pointer oldact);

    long signal(int signum, long handler);

    int getpriority(int which, int who);

    int setpriority(int which, int who, int prio);

    int sched_setscheduler(int pid, int policy, int[] param);

    int mlockall(int flags);

    int geteuid();

    int getpwnam_r(String name, Pointer pwd, Pointer buf, long buflen, PointerByReference result);

    int socket(int domain, int type, int protocol);

    long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen);

    int close(int fd);

    String strerror(int errnum);
}
