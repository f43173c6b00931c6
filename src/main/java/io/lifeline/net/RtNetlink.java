package io.lifeline.net;

import io.lifeline.os.Errno;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Addresses, links and routes through rtnetlink: what {@code ip addr}, {@code ip link} and
 * {@code ip route} do, in-process. Each request waits for its own answer (matched by sequence
 * number; stale replies from an earlier, timed-out request are skipped), and every message in
 * every received buffer is looked at. Kernel errors become {@link NetException}s with the errno.
 *
 * <p>Not thread-safe: one instance per thread, or open one per operation (cheap).
 */
public final class RtNetlink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtNetlink.class);
    private static final int BUFFER_SIZE = 64 * 1024;

    private final NetlinkTransport transport;
    private final Duration timeout;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int seq = (int) (System.nanoTime() & 0x7fff_ffff);

    RtNetlink(NetlinkTransport transport, Duration timeout) {
        this.transport = transport;
        this.timeout = timeout;
    }

    /** Opens a socket whose every wait is bounded by {@code timeout}. */
    public static RtNetlink open(Duration timeout) throws NetException {
        return new RtNetlink(NetlinkSocket.open(timeout), timeout);
    }

    /** Adds an address; an existing identical address is an error with {@link Errno#EEXIST}. */
    public void addAddress(AddressRequest request) throws NetException {
        int s = nextSeq();
        request(AddressMessages.add(request, s), s, "cannot add "
                + Addresses.format(request.address(), request.prefixLength()) + " to ifindex " + request.ifindex());
    }

    /**
     * Restarts the lifetime of an address that is there (its {@code lifetimeSeconds} from now).
     * IPv4 would add a missing address again, so callers check first that it is still there.
     */
    public void renewAddress(AddressRequest request) throws NetException {
        int s = nextSeq();
        request(AddressMessages.renew(request, s), s, "cannot renew "
                + Addresses.format(request.address(), request.prefixLength()) + " on ifindex " + request.ifindex());
    }

    /** Deletes an address; with a prefix length other than the address's, the kernel answers EADDRNOTAVAIL. */
    public void deleteAddress(int ifindex, InetAddress address, int prefixLength) throws NetException {
        int s = nextSeq();
        request(AddressMessages.delete(ifindex, address, prefixLength, s), s, "cannot delete "
                + Addresses.format(address, prefixLength) + " from ifindex " + ifindex);
    }

    public List<InterfaceAddress> addresses(IpFamily family) throws NetException {
        int s = nextSeq();
        List<InterfaceAddress> out = new ArrayList<>();
        for (NlMessage m : dump(AddressMessages.dump(family, s), s, "cannot list " + family + " addresses")) {
            if (m.type() == Netlink.RTM_NEWADDR) {
                InterfaceAddress a = AddressMessages.decode(m);
                if (a != null && a.family() == family) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** The link named {@code name}; {@link Errno#ENODEV} if there is none. */
    public LinkState link(String name) throws NetException {
        if (name.isEmpty() || name.length() > 15) {
            throw new NetException(Errno.ENODEV, "no such interface \"" + name + "\" (names have 1 to 15 characters)");
        }
        int s = nextSeq();
        return single(request(LinkMessages.getByName(name, s), s, "interface " + name), name);
    }

    public LinkState link(int ifindex) throws NetException {
        int s = nextSeq();
        return single(request(LinkMessages.getByIndex(ifindex, s), s, "interface index " + ifindex),
                "ifindex " + ifindex);
    }

    private static LinkState single(List<NlMessage> replies, String what) throws NetException {
        for (NlMessage m : replies) {
            if (m.type() == Netlink.RTM_NEWLINK) {
                return LinkMessages.decode(m);
            }
        }
        throw new NetException(Errno.EPROTO, "the kernel acknowledged the link query for " + what
                + " without describing the link");
    }

    public List<Route> routes(IpFamily family) throws NetException {
        int s = nextSeq();
        List<Route> out = new ArrayList<>();
        for (NlMessage m : dump(RouteMessages.dump(family, s), s, "cannot list " + family + " routes")) {
            if (m.type() == Netlink.RTM_NEWROUTE) {
                Route r = RouteMessages.decode(m);
                if (r != null && r.family() == family) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * The connected routes (main table, {@code proto kernel}) covering {@code address} with the
     * longest prefix; several when more than one interface has an equally specific one.
     */
    public List<Route> connectedRoutesFor(InetAddress address) throws NetException {
        return ConnectedRoutes.bestMatches(routes(IpFamily.of(address)), address);
    }

    /** The address on {@code ifindex} (any interface when {@code ifindex} is 0), if present. */
    public Optional<InterfaceAddress> findAddress(InetAddress address, int ifindex) throws NetException {
        for (InterfaceAddress a : addresses(IpFamily.of(address))) {
            if (a.address().equals(address) && (ifindex == 0 || a.ifindex() == ifindex)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        transport.close();
    }

    private int nextSeq() {
        seq = (seq + 1) & 0x7fff_ffff;
        return seq;
    }

    /** A request with NLM_F_ACK: collects replies until the ack; a negative ack is thrown. */
    private List<NlMessage> request(byte[] message, int s, String what) throws NetException {
        return exchange(message, s, what, false);
    }

    /** A dump: collects replies until NLMSG_DONE. */
    private List<NlMessage> dump(byte[] message, int s, String what) throws NetException {
        return exchange(message, s, what, true);
    }

    private List<NlMessage> exchange(byte[] message, int s, String what, boolean isDump) throws NetException {
        transport.send(message);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NlMessage> replies = new ArrayList<>();
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                throw new NetException(Errno.ETIMEDOUT, what + ": no complete reply from the kernel within "
                        + timeout.toMillis() + " ms");
            }
            int n;
            try {
                n = transport.receive(buf);
            } catch (NetException e) {
                throw new NetException(e.errno(), what + ": " + e.getMessage(), e);
            }
            // copy: messages kept in replies must survive the next receive into buf
            for (NlMessage m : NlMessages.split(java.util.Arrays.copyOf(buf, n), n)) {
                if (m.seq() != s) {
                    log.debug("skipping netlink message type {} with seq {} (waiting for {})", m.type(), m.seq(), s);
                    continue;
                }
                switch (m.type()) {
                    case Netlink.NLMSG_NOOP:
                        break;
                    case Netlink.NLMSG_ERROR: {
                        int error = errorCode(m);
                        if (error == 0) {
                            if (!isDump) {
                                return replies;
                            }
                            break;
                        }
                        throw error(-error, what, extAckMessage(m));
                    }
                    case Netlink.NLMSG_DONE: {
                        if (m.payloadLength() >= 4 && m.payload().getInt(0) < 0) {
                            throw error(-m.payload().getInt(0), what, extAckMessage(m));
                        }
                        if (isDump) {
                            return replies;
                        }
                        break;
                    }
                    case Netlink.NLMSG_OVERRUN:
                        throw new NetException(Errno.ENOBUFS, what + ": netlink overrun, data lost");
                    default:
                        replies.add(m);
                }
            }
        }
    }

    private static int errorCode(NlMessage m) throws NetException {
        if (m.payloadLength() < 4) {
            throw new NetException(Errno.EPROTO, "malformed NLMSG_ERROR of " + m.payloadLength() + " bytes");
        }
        return m.payload().getInt(0);
    }

    private static NetException error(int errno, String what, String kernelText) {
        String text = Errno.describe(errno) + (kernelText.isEmpty() ? "" : " - kernel says: " + kernelText);
        return new NetException(errno, what + ": " + text);
    }

    /**
     * The kernel's explanation from an extended ack, or "". Layout: s32 error, the echoed request
     * (only its header if NLM_F_CAPPED), then attributes when NLM_F_ACK_TLVS is set.
     */
    static String extAckMessage(NlMessage m) {
        if ((m.flags() & Netlink.NLM_F_ACK_TLVS) == 0 || m.type() != Netlink.NLMSG_ERROR) {
            return "";
        }
        try {
            ByteBuffer p = m.payload();
            if (p.limit() < 4 + Netlink.HEADER_LENGTH) {
                return "";
            }
            int echoed = (m.flags() & Netlink.NLM_F_CAPPED) != 0 ? Netlink.HEADER_LENGTH : p.getInt(4);
            int offset = 4 + Netlink.align4(echoed);
            if (offset > p.limit()) {
                return "";
            }
            ByteBuffer msg = NlMessages.attributes(p, offset).get(Netlink.NLMSGERR_ATTR_MSG);
            return msg == null ? "" : NlMessages.string(msg);
        } catch (NetException | IndexOutOfBoundsException e) {
            return "";
        }
    }
}
