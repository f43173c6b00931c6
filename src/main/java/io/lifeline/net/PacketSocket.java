package io.lifeline.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import io.lifeline.os.Errno;
import io.lifeline.os.LibC;
import io.lifeline.thread.NamedThreads;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * An {@code AF_PACKET}/{@code SOCK_DGRAM} socket bound to one interface and one ethertype: the
 * kernel adds and strips the Ethernet header, we send and receive the payload (an ARP packet,
 * an IPv6 packet). Needs CAP_NET_RAW; without it {@link #open} fails with EPERM.
 *
 * <p>Packet sockets are slow to set up and tear down: binding a socket that already receives
 * (one created with a protocol) and closing any packet socket each wait for an RCU grace period
 * ({@code synchronize_net()}, 10-13 ms here), which made a VIP start 25 ms slower than its
 * netlink work. So a receiving socket is created with protocol 0 and gets its ethertype at bind
 * (no grace period), it is closed on a background thread ({@link #close}), and announcements go
 * through one send-only socket per process ({@link #sendOnce}) that is never closed.
 */
public final class PacketSocket implements AutoCloseable {
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_IPV6 = 0x86DD;

    /** Closes sockets off the caller's thread; see the class comment. */
    private static final Executor CLOSER = Executors.newSingleThreadExecutor(
            NamedThreads.daemon("packet-close"));
    /** The process-wide send-only socket (protocol 0: receives nothing), opened on first use. */
    private static volatile int sendFd = -1;

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
            // protocol 0: no receive hook yet, so bind() below need not wait for a grace period
            fd = LibC.get().socket(LibC.AF_PACKET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot open packet socket");
        }
        try {
            SockaddrLl local = SockaddrLl.of(ethertype, ifindex, null);
            LibC.get().bind(fd, local, local.size());
        } catch (LastErrorException e) {
            Sockets.closeQuietly(fd);
            throw NetException.of(e.getErrorCode(), "cannot bind packet socket to ifindex " + ifindex);
        }
        return new PacketSocket(fd, ifindex, ethertype);
    }

    public void send(byte[] payload, MacAddress destination) throws NetException {
        sendTo(fd, payload, ifindex, ethertype, destination);
    }

    /**
     * Sends one frame on {@code ifindex} through the process-wide send-only socket (opened on
     * the first call; fails with EPERM without CAP_NET_RAW, and is retried on the next call).
     */
    public static void sendOnce(byte[] payload, int ifindex, int ethertype, MacAddress destination)
            throws NetException {
        sendTo(sharedSendFd(), payload, ifindex, ethertype, destination);
    }

    /**
     * Opens the send-only socket and builds the address a frame to {@code ifindex} would carry,
     * without sending anything, so that the first announcement after a takeover does not pay
     * for opening the socket and JNA's first use of the structure.
     */
    public static void prepareSending(int ifindex, int ethertype) throws NetException {
        sharedSendFd();
        SockaddrLl.of(ethertype, ifindex, MacAddress.BROADCAST).size();
    }

    private static synchronized int sharedSendFd() throws NetException {
        if (sendFd < 0) {
            try {
                sendFd = LibC.get().socket(LibC.AF_PACKET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            } catch (LastErrorException e) {
                throw NetException.of(e.getErrorCode(), "cannot open packet socket");
            }
        }
        return sendFd;
    }

    private static void sendTo(int fd, byte[] payload, int ifindex, int ethertype, MacAddress destination)
            throws NetException {
        SockaddrLl to = SockaddrLl.of(ethertype, ifindex, destination);
        try {
            LibC.get().sendto(fd, payload, payload.length, 0, to, to.size());
        } catch (LastErrorException e) {
            throw NetException.of(e.getErrorCode(), "cannot send on ifindex " + ifindex);
        }
    }

    /** A received frame's payload and link-layer source. */
    // a received frame's bytes, parsed once by the caller without a copy; never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    public record Frame(byte[] payload, MacAddress source, boolean outgoing) {
    }

    /**
     * The next frame received on this interface within {@code timeout}, or empty. Frames this
     * host sent itself are returned too, marked {@code outgoing}.
     */
    public Optional<Frame> receive(Duration timeout) throws NetException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[2048];
        byte[] pollFd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(fd).putShort(LibC.POLLIN)
                .putShort((short) 0).array();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Optional.empty();
            }
            SockaddrLl from = new SockaddrLl();
            IntByReference fromLen = new IntByReference(from.size());
            long n;
            try {
                // poll, not SO_RCVTIMEO: the socket timeout is rounded up to whole jiffies plus one
                // (a 25 ms wait took 29-31 ms at HZ=250, bench/vip), poll's timer is precise
                int waitMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000));
                if (LibC.get().poll(pollFd, 1, waitMs) == 0) {
                    continue;
                }
                n = LibC.get().recvfrom(fd, buf, buf.length, LibC.MSG_DONTWAIT, from, fromLen);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EAGAIN || e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                throw NetException.of(e.getErrorCode(), "cannot receive on ifindex " + ifindex);
            }
            from.read();
            if (from.sll_ifindex != ifindex) {
                continue; // defensive: bind() filters by interface
            }
            MacAddress source = from.sll_halen == 6 ? MacAddress.of(from.sll_addr, 0) : MacAddress.ZERO;
            return Optional.of(new Frame(Arrays.copyOf(buf, (int) n), source,
                    from.sll_pkttype == SockaddrLl.PACKET_OUTGOING));
        }
    }

    /** Closes the socket in the background: the kernel's grace period is nobody's business here. */
    @Override
    public void close() {
        CLOSER.execute(() -> Sockets.closeQuietly(fd));
    }
}
