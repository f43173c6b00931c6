package io.lifeline.net;

import io.lifeline.os.Errno;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * {@code RTM_GETROUTE} dumps. The fixed header is {@code struct rtmsg} (12 bytes): u8 family,
 * u8 dst_len, u8 src_len, u8 tos, u8 table, u8 protocol, u8 scope, u8 type, u32 flags.
 */
final class RouteMessages {
    static final int RTMSG_LENGTH = 12;

    private RouteMessages() {
    }

    static byte[] dump(IpFamily family, int seq) {
        return new NlMessageBuilder(Netlink.RTM_GETROUTE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)
                .u8(family.af()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0)
                .build(seq);
    }

    /** Decodes one {@code RTM_NEWROUTE}; null for other families. */
    static Route decode(NlMessage m) throws NetException {
        if (m.payloadLength() < RTMSG_LENGTH) {
            throw new NetException(Errno.EPROTO, "malformed RTM_NEWROUTE: " + m.payloadLength() + " bytes");
        }
        ByteBuffer p = m.payload();
        IpFamily family = IpFamily.ofAf(Byte.toUnsignedInt(p.get(0)));
        if (family == null) {
            return null;
        }
        int dstLen = Byte.toUnsignedInt(p.get(1));
        int table = Byte.toUnsignedInt(p.get(4));
        int protocol = Byte.toUnsignedInt(p.get(5));
        int scope = Byte.toUnsignedInt(p.get(6));
        int type = Byte.toUnsignedInt(p.get(7));
        Map<Integer, ByteBuffer> attrs = NlMessages.attributes(p, RTMSG_LENGTH);
        if (attrs.containsKey(Netlink.RTA_TABLE)) {
            table = NlMessages.u32(attrs.get(Netlink.RTA_TABLE));
        }
        InetAddress dst = attrs.containsKey(Netlink.RTA_DST)
                ? AddressMessages.address(family, attrs.get(Netlink.RTA_DST)) : null;
        InetAddress gw = attrs.containsKey(Netlink.RTA_GATEWAY)
                ? AddressMessages.address(family, attrs.get(Netlink.RTA_GATEWAY)) : null;
        int oif = attrs.containsKey(Netlink.RTA_OIF) ? NlMessages.u32(attrs.get(Netlink.RTA_OIF)) : 0;
        return new Route(family, dst, dstLen, table, protocol, scope, type, oif, gw);
    }
}
