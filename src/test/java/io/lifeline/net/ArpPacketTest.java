package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArpPacketTest {
    static final MacAddress MAC = MacAddress.parse("2a:1a:a5:3a:6e:9b");
    static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:02");

    static Inet4Address ip(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void announcementMatchesTheCapturedRequest() throws Exception {
        // ARP payload of the frame captured with tcpdump -XX in the research notes (section 8.4)
        assertArrayEquals(hex("0001 0800 0604 0001 2a1a a53a 6e9b c633 6464 0000 0000 0000 c633 6464"),
                ArpPacket.announcement(MAC, ip("198.51.100.100")).encode());
    }

    @Test
    void gratuitousReplyNamesItselfAsTarget() throws Exception {
        assertArrayEquals(hex("0001 0800 0604 0002 2a1a a53a 6e9b c633 6464 2a1a a53a 6e9b c633 6464"),
                ArpPacket.gratuitousReply(MAC, ip("198.51.100.100")).encode());
    }

    @Test
    void probeHasZeroSenderAddress() throws Exception {
        ArpPacket p = ArpPacket.probe(MAC, ip("198.51.100.100"));
        assertArrayEquals(hex("0001 0800 0604 0001 2a1a a53a 6e9b 0000 0000 0000 0000 0000 c633 6464"), p.encode());
        assertTrue(p.isProbe());
        assertFalse(ArpPacket.announcement(MAC, ip("198.51.100.100")).isProbe());
    }

    @Test
    void decodeIgnoresEthernetPaddingAndRejectsOtherProtocols() throws Exception {
        byte[] reply = Arrays.copyOf(ArpPacket.gratuitousReply(OTHER, ip("198.51.100.7")).encode(), 46);
        ArpPacket p = ArpPacket.decode(reply).orElseThrow();
        assertEquals(ArpPacket.REPLY, p.op());
        assertEquals(OTHER, p.senderMac());
        assertEquals(ip("198.51.100.7"), p.senderIp());
        byte[] notIpv4 = ArpPacket.announcement(MAC, ip("198.51.100.7")).encode();
        notIpv4[2] = (byte) 0x86;
        assertEquals(Optional.empty(), ArpPacket.decode(notIpv4));
        assertEquals(Optional.empty(), ArpPacket.decode(new byte[27]));
    }

    @Test
    void aReplyFromAnotherHostIsAConflictNamingItsMac() throws Exception {
        Inet4Address vip = ip("198.51.100.100");
        // Linux answers a probe with a unicast reply: sender = the owner, target IP 0.0.0.0
        byte[] reply = new ArpPacket(ArpPacket.REPLY, OTHER, vip, MAC, ip("0.0.0.0")).encode();
        assertEquals(Optional.of(OTHER),
                DuplicateAddressProbe.arpConflict(new PacketSocket.Frame(reply, OTHER, false), vip, true));
    }

    @Test
    void anotherHostProbingForTheSameAddressIsAConflict() throws Exception {
        Inet4Address vip = ip("198.51.100.100");
        byte[] probe = ArpPacket.probe(OTHER, vip).encode();
        assertEquals(Optional.of(OTHER),
                DuplicateAddressProbe.arpConflict(new PacketSocket.Frame(probe, OTHER, false), vip, true));
        assertEquals(Optional.empty(),
                DuplicateAddressProbe.arpConflict(new PacketSocket.Frame(probe, OTHER, false), vip, false),
                "a check ahead of a takeover counts only answers: every survivor may probe at once");
        byte[] reply = new ArpPacket(ArpPacket.REPLY, OTHER, vip, MAC, ip("0.0.0.0")).encode();
        assertEquals(Optional.of(OTHER),
                DuplicateAddressProbe.arpConflict(new PacketSocket.Frame(reply, OTHER, false), vip, false));
    }

    @Test
    void unrelatedArpTrafficIsNoConflict() throws Exception {
        Inet4Address vip = ip("198.51.100.100");
        byte[] other = new ArpPacket(ArpPacket.REQUEST, OTHER, ip("198.51.100.7"), MacAddress.ZERO,
                ip("198.51.100.1")).encode();
        assertEquals(Optional.empty(),
                DuplicateAddressProbe.arpConflict(new PacketSocket.Frame(other, OTHER, false), vip, true));
        // someone asking for the VIP (normal resolution) does not claim it
        byte[] who = new ArpPacket(ArpPacket.REQUEST, OTHER, ip("198.51.100.7"), MacAddress.ZERO, vip).encode();
        assertEquals(Optional.empty(),
                DuplicateAddressProbe.arpConflict(new PacketSocket.Frame(who, OTHER, false), vip, true));
    }

    @Test
    void macAddressTextForms() {
        assertEquals("2a:1a:a5:3a:6e:9b", MAC.toString());
        assertEquals(MAC, MacAddress.parse("2A:1A:A5:3A:6E:9B"));
    }
}
