package io.lifeline.net;

import io.lifeline.os.Errno;
import io.lifeline.os.LibC;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * {@code RTM_GETLINK}/{@code RTM_NEWLINK}. The fixed header is {@code struct ifinfomsg}
 * (16 bytes): u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change.
 */
final class LinkMessages {
    static final int IFINFOMSG_LENGTH = 16;

    private LinkMessages() {
    }

    static byte[] getByName(String name, int seq) {
        return header(0).attrString(Netlink.IFLA_IFNAME, name).build(seq);
    }

    static byte[] getByIndex(int ifindex, int seq) {
        return header(ifindex).build(seq);
    }

    private static NlMessageBuilder header(int ifindex) {
        return new NlMessageBuilder(Netlink.RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
                .u8(LibC.AF_UNSPEC).u8(0).u16(0).u32(ifindex).u32(0).u32(0);
    }

    static LinkState decode(NlMessage m) throws NetException {
        if (m.payloadLength() < IFINFOMSG_LENGTH) {
            throw new NetException(Errno.EPROTO, "malformed RTM_NEWLINK: " + m.payloadLength() + " bytes");
        }
        ByteBuffer p = m.payload();
        int ifindex = p.getInt(4);
        int flags = p.getInt(8);
        Map<Integer, ByteBuffer> attrs = NlMessages.attributes(p, IFINFOMSG_LENGTH);
        String name = attrs.containsKey(Netlink.IFLA_IFNAME) ? NlMessages.string(attrs.get(Netlink.IFLA_IFNAME))
                : "if" + ifindex;
        MacAddress mac = null;
        ByteBuffer hw = attrs.get(Netlink.IFLA_ADDRESS);
        if (hw != null && hw.remaining() == 6) {
            mac = MacAddress.of(NlMessages.bytes(hw));
        }
        OperState oper = attrs.containsKey(Netlink.IFLA_OPERSTATE)
                ? OperState.of(NlMessages.u8(attrs.get(Netlink.IFLA_OPERSTATE))) : OperState.UNKNOWN;
        int mtu = attrs.containsKey(Netlink.IFLA_MTU) ? NlMessages.u32(attrs.get(Netlink.IFLA_MTU)) : 0;
        return new LinkState(ifindex, name, (flags & Netlink.IFF_UP) != 0, (flags & Netlink.IFF_LOWER_UP) != 0,
                oper, mac, mtu);
    }
}
