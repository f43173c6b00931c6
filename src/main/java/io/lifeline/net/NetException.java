package io.lifeline.net;

import io.lifeline.os.Errno;
import java.io.IOException;

/**
 * A failed kernel operation: a socket call or a netlink request answered with an error. Carries
 * the errno so callers can tell "not permitted" from "no such interface" from "already there";
 * the message already names the operation and says what went wrong in words.
 */
public class NetException extends IOException {
    private final int errno;

    public NetException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public NetException(int errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** Builds {@code "<operation>: <strerror> (<ENAME>)"}. */
    public static NetException of(int errno, String operation) {
        return new NetException(errno, operation + ": " + Errno.describe(errno));
    }

    public int errno() {
        return errno;
    }

    /** EPERM or EACCES: a missing capability (CAP_NET_ADMIN for netlink changes, CAP_NET_RAW for packet sockets). */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }

    public boolean isTimeout() {
        return errno == Errno.EAGAIN || errno == Errno.ETIMEDOUT;
    }
}
