package io.lifeline.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few libc calls the daemon needs. Return values are checked and errno read with
 * {@link Native#getLastError()} (no LastErrorException: JNA would throw on any leftover errno).
 * {@code ssize_t}/{@code size_t} are mapped to {@code long}: LP64 Linux only.
 */
interface LibC extends Library {

    int MCL_CURRENT = 1;
    int MCL_FUTURE = 2;
    /** Linux 4.4+: lock pages when they are first touched instead of populating every mapping now. */
    int MCL_ONFAULT = 4;
    int EINVAL = 22;
    int PRIO_PROCESS = 0;
    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;

    int mlockall(int flags);

    int setpriority(int which, int who, int prio);

    int socket(int domain, int type, int protocol);

    long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen);

    int close(int fd);

    String strerror(int errnum);

    static LibC load() {
        return Native.load("c", LibC.class);
    }
}
