package io.lifeline.net;

import com.sun.jna.LastErrorException;
import io.lifeline.os.Errno;
import io.lifeline.os.LibC;
import java.nio.charset.StandardCharsets;

/**
 * Sends datagrams to an {@code AF_UNIX} datagram socket by path: what systemd's
 * {@code NOTIFY_SOCKET} needs, and what the JDK cannot do (its datagram channels are IP only).
 * A path starting with {@code @} names a socket in the abstract namespace, as systemd writes it.
 */
public final class UnixDatagram implements AutoCloseable {

    /** {@code sizeof(((struct sockaddr_un *) 0)->sun_path)}. */
    static final int MAX_PATH = 108;

    private final int fd;
    private final byte[] address;
    private final String path;

    private UnixDatagram(int fd, byte[] address, String path) {
        this.fd = fd;
        this.address = address;
        this.path = path;
    }

    /** A socket for sending to {@code path}; nothing is sent yet. */
    public static UnixDatagram to(String path) throws NetException {
        byte[] address = sockaddr(path);
        int fd;
        try {
            fd = LibC.get().socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot open a unix datagram socket");
        }
        return new UnixDatagram(fd, address, path);
    }

    /** {@code struct sockaddr_un} for {@code path}, exactly as long as it needs to be. */
    static byte[] sockaddr(String path) throws NetException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name.length > 0 && name[0] == '@';
        if (name.length == 0 || name.length + (abstractName ? 0 : 1) > MAX_PATH) {
            throw new NetException(Errno.EINVAL, "not a usable unix socket path: '" + path + "'");
        }
        // sa_family (native byte order: little endian on the supported targets), then the path;
        // a file path carries its NUL, an abstract name starts with one and has none at the end
        byte[] a = new byte[2 + name.length + (abstractName ? 0 : 1)];
        a[0] = (byte) LibC.AF_UNIX;
        System.arraycopy(name, 0, a, 2, name.length);
        if (abstractName) {
            a[2] = 0;
        }
        return a;
    }

    public void send(byte[] message) throws NetException {
        try {
            LibC.get().sendto(fd, message, message.length, LibC.MSG_DONTWAIT, address, address.length);
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot send to " + path);
        }
    }

    @Override
    public void close() {
        Sockets.closeQuietly(fd);
    }
}
