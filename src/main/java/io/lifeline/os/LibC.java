package io.lifeline.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;

/**
 * The libc calls whose failure JNA reports as a {@link LastErrorException}: the socket calls of
 * {@code io.lifeline.net} and the pipes of {@link Posix#pipe}. {@code ssize_t}/{@code size_t}
 * are mapped to {@code long}, which is right on LP64 Linux (x86_64, aarch64), the only targets.
 *
 * <p>{@code throws LastErrorException} is declared only on calls that set errno solely on
 * failure: JNA throws whenever errno is non-zero after the call, whatever the return value.
 * Calls that may leave errno set on success, or whose callers read errno after a failed return
 * value, are in {@link RawLibC}, reached through {@link Posix}. Everything else in Lifeline
 * uses these two and never binds libc itself (ArchitectureRulesTest).
 */
public interface LibC extends Library {

    /** libc, loaded on first use; an {@link UnsatisfiedLinkError} when it cannot be. */
    static LibC get() {
        return Libraries.checked();
    }

    int AF_UNSPEC = 0;
    int AF_UNIX = 1;
    int AF_INET = 2;
    int AF_NETLINK = 16;
    int AF_PACKET = 17;
    int AF_INET6 = 10;

    int SOCK_RAW = 3;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;

    int SOL_SOCKET = 1;
    int SO_RCVTIMEO = 20;
    int SO_SNDTIMEO = 21;
    int SOL_NETLINK = 270;
    int NETLINK_EXT_ACK = 11;

    int MSG_TRUNC = 0x20;
    int MSG_DONTWAIT = 0x40;
    short POLLIN = 0x1;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, Structure addr, int addrlen) throws LastErrorException;

    /** {@code addr} holds the address bytes (e.g. a {@code struct sockaddr_un}). */
    int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    long sendto(int fd, byte[] buf, long len, int flags, Structure to, int tolen) throws LastErrorException;

    /** {@code to} holds the address bytes (e.g. a {@code struct sockaddr_un}). */
    long sendto(int fd, byte[] buf, long len, int flags, byte[] to, int tolen) throws LastErrorException;

    long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    long recvfrom(int fd, byte[] buf, long len, int flags, Structure from, IntByReference fromlen)
            throws LastErrorException;

    int setsockopt(int fd, int level, int optname, byte[] optval, int optlen) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int pipe2(int[] fds, int flags) throws LastErrorException;

    /** {@code fds} holds {@code struct pollfd}s: int fd, short events, short revents (8 bytes each). */
    int poll(byte[] fds, long nfds, int timeoutMs) throws LastErrorException;

    /** Returns 0 when there is no such interface; errno then says why (ENODEV). */
    int if_nametoindex(String ifname);
}
