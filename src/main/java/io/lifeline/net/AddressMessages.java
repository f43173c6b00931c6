package io.lifeline.net;

import io.lifeline.os.Errno;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * {@code RTM_NEWADDR}/{@code RTM_DELADDR}/{@code RTM_GETADDR} messages. The fixed header is
 * {@code struct ifaddrmsg} (8 bytes): u8 family, u8 prefixlen, u8 flags, u8 scope, u32 ifindex.
 */
final class AddressMessages {
    static final int IFADDRMSG_LENGTH = 8;

    private AddressMessages() {
    }

    /** Add, failing with EEXIST if the address is already there (NLM_F_EXCL). */
    static byte[] add(AddressRequest r, int seq) {
        return newAddress(r, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, seq);
    }

    /**
     * Sets the lifetime of an address that is there ({@code ip addr replace}); the caller checks
     * that it still is, since IPv4 would add it again.
     */
    static byte[] renew(AddressRequest r, int seq) {
        return newAddress(r, Netlink.NLM_F_REPLACE, seq);
    }

    private static byte[] newAddress(AddressRequest r, int how, int seq) {
        IpFamily family = IpFamily.of(r.address());
        int flags = r.noDad() ? InterfaceAddress.IFA_F_NODAD : 0;
        NlMessageBuilder b = new NlMessageBuilder(Netlink.RTM_NEWADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | how)
                .u8(family.af()).u8(r.prefixLength()).u8(flags).u8(Netlink.RT_SCOPE_UNIVERSE).u32(r.ifindex())
                .attr(Netlink.IFA_LOCAL, r.address().getAddress())
                .attr(Netlink.IFA_ADDRESS, r.address().getAddress());
        if (r.broadcast() != null) {
            b.attr(Netlink.IFA_BROADCAST, r.broadcast().getAddress());
        }
        if (r.label() != null) {
            b.attrString(Netlink.IFA_LABEL, r.label());
        }
        if (flags != 0) {
            b.attrU32(Netlink.IFA_FLAGS, flags);
        }
        if (r.lifetimeSeconds() > 0) {
            // struct ifa_cacheinfo: preferred and valid lifetime (s), then two stamps the kernel sets
            ByteBuffer ci = ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder());
            ci.putInt(r.lifetimeSeconds()).putInt(r.lifetimeSeconds()).putInt(0).putInt(0);
            b.attr(Netlink.IFA_CACHEINFO, ci.array());
        }
        return b.build(seq);
    }

    /** Delete; the kernel requires the exact prefix length (else EADDRNOTAVAIL). */
    static byte[] delete(int ifindex, InetAddress address, int prefixLength, int seq) {
        IpFamily family = IpFamily.of(address);
        return new NlMessageBuilder(Netlink.RTM_DELADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
                .u8(family.af()).u8(prefixLength).u8(0).u8(Netlink.RT_SCOPE_UNIVERSE).u32(ifindex)
                .attr(Netlink.IFA_LOCAL, address.getAddress())
                .attr(Netlink.IFA_ADDRESS, address.getAddress())
                .build(seq);
    }

    static byte[] dump(IpFamily family, int seq) {
        return new NlMessageBuilder(Netlink.RTM_GETADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)
                .u8(family.af()).u8(0).u8(0).u8(0).u32(0)
                .build(seq);
    }

    /** Decodes one {@code RTM_NEWADDR}; null for a family other than IPv4/IPv6. */
    static InterfaceAddress decode(NlMessage m) throws NetException {
        ByteBuffer p = m.payload();
        if (m.payloadLength() < IFADDRMSG_LENGTH) {
            throw new NetException(Errno.EPROTO, "malformed RTM_NEWADDR: " + m.payloadLength() + " bytes");
        }
        IpFamily family = IpFamily.ofAf(Byte.toUnsignedInt(p.get(0)));
        if (family == null) {
            return null;
        }
        int prefixLength = Byte.toUnsignedInt(p.get(1));
        int flags = Byte.toUnsignedInt(p.get(2));
        int scope = Byte.toUnsignedInt(p.get(3));
        int ifindex = p.getInt(4);
        Map<Integer, ByteBuffer> attrs = NlMessages.attributes(p, IFADDRMSG_LENGTH);
        ByteBuffer addr = attrs.containsKey(Netlink.IFA_LOCAL) ? attrs.get(Netlink.IFA_LOCAL)
                : attrs.get(Netlink.IFA_ADDRESS);
        if (addr == null) {
            throw new NetException(Errno.EPROTO, "RTM_NEWADDR for ifindex " + ifindex + " has no address");
        }
        if (attrs.containsKey(Netlink.IFA_FLAGS)) {
            flags = NlMessages.u32(attrs.get(Netlink.IFA_FLAGS));
        }
        String label = attrs.containsKey(Netlink.IFA_LABEL) ? NlMessages.string(attrs.get(Netlink.IFA_LABEL)) : "";
        return new InterfaceAddress(ifindex, address(family, addr), prefixLength, label, flags, scope);
    }

    static InetAddress address(IpFamily family, ByteBuffer attr) throws NetException {
        byte[] b = NlMessages.bytes(attr);
        if (b.length != family.addressLength()) {
            throw new NetException(Errno.EPROTO, "malformed " + family + " address attribute of " + b.length + " bytes");
        }
        try {
            return family == IpFamily.IPV6 ? Inet6Address.getByAddress(null, b, -1) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new NetException(Errno.EPROTO, "malformed address attribute", e);
        }
    }
}
