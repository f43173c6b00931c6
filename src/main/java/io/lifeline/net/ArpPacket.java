package io.lifeline.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * An Ethernet/IPv4 ARP packet (RFC 826), 28 bytes, big-endian: htype 1, ptype 0x0800, hlen 6,
 * plen 4, op, sender MAC, sender IP, target MAC, target IP.
 */
public record ArpPacket(int op, MacAddress senderMac, Inet4Address senderIp, MacAddress targetMac,
                        Inet4Address targetIp) {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    public static final int LENGTH = 28;
    private static final Inet4Address ANY = v4(new byte[4]);

    /** Gratuitous request / RFC 5227 announcement: "who has VIP? tell VIP", target MAC zero. */
    public static ArpPacket announcement(MacAddress mac, Inet4Address ip) {
        return new ArpPacket(REQUEST, mac, ip, MacAddress.ZERO, ip);
    }

    /** Gratuitous reply ({@code arping -A}): "VIP is at MAC", target MAC = own MAC. */
    public static ArpPacket gratuitousReply(MacAddress mac, Inet4Address ip) {
        return new ArpPacket(REPLY, mac, ip, mac, ip);
    }

    /** RFC 5227 probe: sender IP 0.0.0.0 so no one's cache learns anything, target = the address to test. */
    public static ArpPacket probe(MacAddress mac, Inet4Address ip) {
        return new ArpPacket(REQUEST, mac, ANY, MacAddress.ZERO, ip);
    }

    public boolean isProbe() {
        return op == REQUEST && senderIp.equals(ANY);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(LENGTH)
                .putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op)
                .put(senderMac.bytes()).put(senderIp.getAddress())
                .put(targetMac.bytes()).put(targetIp.getAddress())
                .array();
    }

    /** Empty for anything but Ethernet/IPv4 ARP (or too short to be one); trailing padding is ignored. */
    public static Optional<ArpPacket> decode(byte[] b) {
        if (b.length < LENGTH) {
            return Optional.empty();
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        if (bb.getShort(0) != 1 || bb.getShort(2) != 0x0800 || b[4] != 6 || b[5] != 4) {
            return Optional.empty();
        }
        return Optional.of(new ArpPacket(Short.toUnsignedInt(bb.getShort(6)), MacAddress.of(b, 8),
                v4(Arrays.copyOfRange(b, 14, 18)), MacAddress.of(b, 18), v4(Arrays.copyOfRange(b, 24, 28))));
    }

    private static Inet4Address v4(byte[] b) {
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 bytes is always valid
        }
    }
}
