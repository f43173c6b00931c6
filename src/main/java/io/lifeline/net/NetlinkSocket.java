package io.lifeline.net;

import com.sun.jna.LastErrorException;
import io.lifeline.os.Errno;
import io.lifeline.os.LibC;
import java.time.Duration;

/**
 * A {@code NETLINK_ROUTE} socket through JNA. Every receive is bounded by {@code SO_RCVTIMEO};
 * extended acks are requested so kernel error texts ("Invalid prefix for given prefix length")
 * reach the user.
 */
final class NetlinkSocket implements NetlinkTransport {
    private final int fd;
    private final Duration receiveTimeout;

    private NetlinkSocket(int fd, Duration receiveTimeout) {
        this.fd = fd;
        this.receiveTimeout = receiveTimeout;
    }

    static NetlinkSocket open(Duration receiveTimeout) throws NetException {
        int fd;
        try {
            fd = LibC.get().socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, Netlink.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot open netlink socket");
        }
        try {
            SockaddrNl local = new SockaddrNl();
            LibC.get().bind(fd, local, local.size());
            Sockets.setTimeout(fd, LibC.SO_RCVTIMEO, receiveTimeout);
            Sockets.setTimeout(fd, LibC.SO_SNDTIMEO, receiveTimeout);
        } catch (LastErrorException e) {
            Sockets.closeQuietly(fd);
            throw NetException.of(e.getErrorCode(), "cannot set up netlink socket");
        }
        try {
            LibC.get().setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, Sockets.intOption(1), 4);
        } catch (LastErrorException e) {
            // old kernels: errors still arrive, only without the explanatory text
        }
        return new NetlinkSocket(fd, receiveTimeout);
    }

    @Override
    public void send(byte[] message) throws NetException {
        try {
            LibC.get().send(fd, message, message.length, 0);
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot send netlink request");
        }
    }

    @Override
    public int receive(byte[] buf) throws NetException {
        while (true) {
            try {
                long n = LibC.get().recv(fd, buf, buf.length, LibC.MSG_TRUNC);
                if (n > buf.length) {
                    throw new NetException(Errno.EMSGSIZE, "netlink reply of " + n + " bytes exceeds the "
                            + buf.length + "-byte buffer");
                }
                return (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == Errno.EAGAIN) {
                    throw new NetException(Errno.EAGAIN, "no reply from the kernel within "
                            + receiveTimeout.toMillis() + " ms");
                }
                throw NetException.of(e.getErrorCode(), "cannot receive netlink reply");
            }
        }
    }

    @Override
    public void close() {
        Sockets.closeQuietly(fd);
    }
}
