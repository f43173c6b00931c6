package io.lifeline.net;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * IPv6 neighbour discovery packets (RFC 4861), built whole (40-byte IPv6 header + ICMPv6) for a
 * {@code SOCK_DGRAM} packet socket: unsolicited neighbour advertisements to announce an address
 * and duplicate-address-detection solicitations (RFC 4862) to probe for one. Hop limit is 255,
 * as receivers drop ND packets that crossed a router.
 */
public final class Ndp {
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;
    static final int IPV6_HEADER_LENGTH = 40;
    static final int NEXT_HEADER_ICMPV6 = 58;
    static final int HOP_LIMIT = 255;
    static final int FLAG_ROUTER = 0x8000_0000;
    static final int FLAG_SOLICITED = 0x4000_0000;
    static final int FLAG_OVERRIDE = 0x2000_0000;
    static final int OPTION_SOURCE_LLA = 1;
    static final int OPTION_TARGET_LLA = 2;

    public static final Inet6Address ALL_NODES = v6(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    public static final Inet6Address UNSPECIFIED = v6(new byte[16]);

    private Ndp() {
    }

    /**
     * An unsolicited advertisement "TARGET is at MAC" from TARGET to all nodes: override flag set
     * (so caches replace an old MAC), solicited flag clear (required for multicast), and the
     * target link-layer address option.
     */
    public static byte[] unsolicitedAdvertisement(MacAddress mac, Inet6Address target) {
        ByteBuffer icmp = ByteBuffer.allocate(32)
                .put((byte) NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0)
                .putInt(FLAG_OVERRIDE)
                .put(target.getAddress())
                .put((byte) OPTION_TARGET_LLA).put((byte) 1).put(mac.bytes());
        return ipv6(target, ALL_NODES, icmp.array());
    }

    /** A DAD probe: solicitation from :: to the target's solicited-node group, without a source address option. */
    public static byte[] dadSolicitation(Inet6Address target) {
        ByteBuffer icmp = ByteBuffer.allocate(24)
                .put((byte) NEIGHBOR_SOLICITATION).put((byte) 0).putShort((short) 0)
                .putInt(0)
                .put(target.getAddress());
        return ipv6(UNSPECIFIED, solicitedNodeGroup(target), icmp.array());
    }

    /** {@code ff02::1:ffXX:XXXX}: the multicast group a host with address {@code a} listens on. */
    public static Inet6Address solicitedNodeGroup(Inet6Address a) {
        byte[] t = a.getAddress();
        return v6(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff, t[13], t[14], t[15]});
    }

    /** {@code 33:33:} + the low 32 bits of an IPv6 multicast address (RFC 2464). */
    public static MacAddress multicastMac(Inet6Address group) {
        byte[] g = group.getAddress();
        return MacAddress.of(new byte[] {0x33, 0x33, g[12], g[13], g[14], g[15]});
    }

    /** A neighbour solicitation or advertisement seen on the wire. */
    public record Message(int type, Inet6Address source, Inet6Address target, int flags, MacAddress linkLayer) {
    }

    /**
     * Decodes an IPv6 packet carrying a neighbour solicitation or advertisement directly (no
     * extension headers), with hop limit 255 and a valid checksum; anything else is empty.
     */
    public static Optional<Message> decode(byte[] packet) {
        if (packet.length < IPV6_HEADER_LENGTH + 24 || (packet[0] & 0xf0) != 0x60) {
            return Optional.empty();
        }
        ByteBuffer bb = ByteBuffer.wrap(packet);
        int payloadLength = Short.toUnsignedInt(bb.getShort(4));
        if ((packet[6] & 0xff) != NEXT_HEADER_ICMPV6 || (packet[7] & 0xff) != HOP_LIMIT
                || IPV6_HEADER_LENGTH + payloadLength > packet.length || payloadLength < 24) {
            return Optional.empty();
        }
        byte[] icmp = Arrays.copyOfRange(packet, IPV6_HEADER_LENGTH, IPV6_HEADER_LENGTH + payloadLength);
        int type = icmp[0] & 0xff;
        if ((type != NEIGHBOR_SOLICITATION && type != NEIGHBOR_ADVERTISEMENT) || icmp[1] != 0) {
            return Optional.empty();
        }
        Inet6Address src = v6(Arrays.copyOfRange(packet, 8, 24));
        Inet6Address dst = v6(Arrays.copyOfRange(packet, 24, 40));
        if (checksum(src, dst, icmp) != 0) {
            return Optional.empty();
        }
        ByteBuffer ib = ByteBuffer.wrap(icmp);
        int flags = ib.getInt(4);
        Inet6Address target = v6(Arrays.copyOfRange(icmp, 8, 24));
        MacAddress lla = null;
        int wanted = type == NEIGHBOR_ADVERTISEMENT ? OPTION_TARGET_LLA : OPTION_SOURCE_LLA;
        for (int off = 24; off + 8 <= icmp.length; ) {
            int optLen = (icmp[off + 1] & 0xff) * 8;
            if (optLen == 0 || off + optLen > icmp.length) {
                break;
            }
            if ((icmp[off] & 0xff) == wanted && optLen >= 8) {
                lla = MacAddress.of(icmp, off + 2);
            }
            off += optLen;
        }
        return Optional.of(new Message(type, src, target, flags, lla));
    }

    private static byte[] ipv6(Inet6Address src, Inet6Address dst, byte[] icmp) {
        int sum = checksum(src, dst, icmp);
        icmp[2] = (byte) (sum >>> 8);
        icmp[3] = (byte) sum;
        return ByteBuffer.allocate(IPV6_HEADER_LENGTH + icmp.length)
                .putInt(0x6000_0000) // version 6, traffic class 0, flow label 0
                .putShort((short) icmp.length).put((byte) NEXT_HEADER_ICMPV6).put((byte) HOP_LIMIT)
                .put(src.getAddress()).put(dst.getAddress())
                .put(icmp)
                .array();
    }

    /**
     * The ICMPv6 checksum (RFC 4443 2.3): one's complement of the one's-complement sum over the
     * pseudo-header (source, destination, upper-layer length, next header 58) and the message.
     * Computing it over a message that already carries a correct checksum yields 0.
     */
    static int checksum(Inet6Address src, Inet6Address dst, byte[] icmp) {
        long sum = 0;
        sum += sum16(src.getAddress());
        sum += sum16(dst.getAddress());
        sum += icmp.length >>> 16;
        sum += icmp.length & 0xffff;
        sum += NEXT_HEADER_ICMPV6;
        sum += sum16(icmp);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum16(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            int hi = b[i] & 0xff;
            int lo = i + 1 < b.length ? b[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        return sum;
    }

    static Inet6Address v6(byte[] b) {
        try {
            return Inet6Address.getByAddress(null, b, -1); // stays IPv6 even for ::ffff:a.b.c.d
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always valid
        }
    }
}
