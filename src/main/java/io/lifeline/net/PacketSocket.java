package io.lifeline.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * An {@code AF_PACKET}/{@code SOCK_DGRAM} socket bound to one interface and one ethertype: the
 * kernel adds and strips the Ethernet header, we send and receive the payload (an ARP packet,
 * an IPv6 packet). Needs CAP_NET_RAW; without it {@link #open} fails with EPERM.
 */
public final class PacketSocket implements AutoCloseable {
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_IPV6 = 0x86DD;

    private final int fd;
    private final int ifindex;
    private final int ethertype;

    private PacketSocket(int fd, int ifindex, int ethertype) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.ethertype = ethertype;
    }

    public static PacketSocket open(int ifindex, int ethertype) throws NetException {
        int fd;
        try {
            fd = LibC.C.socket(LibC.AF_PACKET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, ByteOrders.htons(ethertype));
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot open packet socket");
        }
        try {
            SockaddrLl local = SockaddrLl.of(ethertype, ifindex, null);
            LibC.C.bind(fd, local, local.size());
        } catch (LastErrorException e) {
            Sockets.closeQuietly(fd);
            throw NetException.of(e.getErrorCode(), "cannot bind packet socket to ifindex " + ifindex);
        }
        return new PacketSocket(fd, ifindex, ethertype);
    }

    public void send(byte[] payload, MacAddress destination) throws NetException {
        SockaddrLl to = SockaddrLl.of(ethertype, ifindex, destination);
        try {
            LibC.C.sendto(fd, payload, payload.length, 0, to, to.size());
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot send on ifindex " + ifindex);
        }
    }

    /** A received frame's payload and link-layer source. */
    public record Frame(byte[] payload, MacAddress source, boolean outgoing) {
    }

    /**
     * The next frame received on this interface within {@code timeout}, or empty. Frames this
     * host sent itself are returned too, marked {@code outgoing}.
     */
    public Optional<Frame> receive(Duration timeout) throws NetException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[2048];
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Optional.empty();
            }
            SockaddrLl from = new SockaddrLl();
            IntByReference fromLen = new IntByReference(from.size());
            long n;
            try {
                Sockets.setTimeout(fd, LibC.SO_RCVTIMEO, Duration.ofNanos(remaining));
                n = LibC.C.recvfrom(fd, buf, buf.length, 0, from, fromLen);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EAGAIN || e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                throw NetException.of(e.getErrorCode(), "cannot receive on ifindex " + ifindex);
            }
            from.read();
            if (from.sll_ifindex != ifindex) {
                continue; // queued between socket() and bind(), from another interface
            }
            MacAddress source = from.sll_halen == 6 ? MacAddress.of(from.sll_addr, 0) : MacAddress.ZERO;
            return Optional.of(new Frame(Arrays.copyOf(buf, (int) n), source,
                    from.sll_pkttype == SockaddrLl.PACKET_OUTGOING));
        }
    }

    @Override
    public void close() {
        Sockets.closeQuietly(fd);
    }
}
