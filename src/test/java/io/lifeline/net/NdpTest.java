package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expected packets computed independently (Python, RFC 4443 checksum over the pseudo-header). */
class NdpTest {
    static final MacAddress MAC = MacAddress.parse("2a:1a:a5:3a:6e:9b");

    static Inet6Address ip(String s) throws Exception {
        return (Inet6Address) InetAddress.getByName(s);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void unsolicitedAdvertisementIsByteExact() throws Exception {
        assertArrayEquals(hex(
                "60000000 0020 3a ff"                                   // IPv6, payload 32, ICMPv6, hop limit 255
                + "20010db8000000000000000000000100"                   // source = the VIP
                + "ff020000000000000000000000000001"                   // all nodes
                + "88 00 bb3d 20000000"                                 // type 136, code 0, checksum, Override only
                + "20010db8000000000000000000000100"                   // target
                + "02 01 2a1aa53a6e9b"),                                // target link-layer address option
                Ndp.unsolicitedAdvertisement(MAC, ip("2001:db8::100")));
    }

    @Test
    void dadSolicitationIsByteExact() throws Exception {
        assertArrayEquals(hex(
                "60000000 0018 3a ff"
                + "00000000000000000000000000000000"                   // from ::
                + "ff0200000000000000000001ff000100"                   // solicited-node group of ...::100
                + "87 00 4aef 00000000"
                + "20010db8000000000000000000000100"),
                Ndp.dadSolicitation(ip("2001:db8::100")));
    }

    @Test
    void solicitedNodeGroupAndItsMulticastMac() throws Exception {
        Inet6Address g = Ndp.solicitedNodeGroup(ip("2001:db8::12:3456"));
        assertEquals(ip("ff02::1:ff12:3456"), g);
        assertEquals("33:33:ff:12:34:56", Ndp.multicastMac(g).toString());
        assertEquals("33:33:00:00:00:01", Ndp.multicastMac(Ndp.ALL_NODES).toString());
    }

    @Test
    void decodeValidatesChecksumAndHopLimit() throws Exception {
        byte[] na = Ndp.unsolicitedAdvertisement(MAC, ip("2001:db8::100"));
        Ndp.Message m = Ndp.decode(na).orElseThrow();
        assertEquals(Ndp.NEIGHBOR_ADVERTISEMENT, m.type());
        assertEquals(ip("2001:db8::100"), m.target());
        assertEquals(MAC, m.linkLayer());
        assertEquals(Ndp.FLAG_OVERRIDE, m.flags());

        byte[] corrupted = na.clone();
        corrupted[corrupted.length - 1] ^= 1;
        assertEquals(Optional.empty(), Ndp.decode(corrupted));
        byte[] routed = na.clone();
        routed[7] = 64;
        assertEquals(Optional.empty(), Ndp.decode(routed));
        assertEquals(Optional.empty(), Ndp.decode(Arrays.copyOf(na, 50)));
    }

    @Test
    void advertisementOrConcurrentProbeForTheAddressIsAConflict() throws Exception {
        MacAddress other = MacAddress.parse("02:00:00:00:00:02");
        Inet6Address vip = ip("2001:db8::100");
        byte[] na = Ndp.unsolicitedAdvertisement(other, vip);
        assertEquals(Optional.of(other), DuplicateAddressProbe.ndpConflict(new PacketSocket.Frame(na, other, false), vip, true));
        byte[] ns = Ndp.dadSolicitation(vip);
        assertEquals(Optional.of(other), DuplicateAddressProbe.ndpConflict(new PacketSocket.Frame(ns, other, false), vip, true));
        assertTrue(DuplicateAddressProbe.ndpConflict(new PacketSocket.Frame(ns, other, false), vip, false).isEmpty(),
                "a check ahead of a takeover counts only answers");
        assertEquals(Optional.of(other), DuplicateAddressProbe.ndpConflict(new PacketSocket.Frame(na, other, false), vip, false));
        byte[] unrelated = Ndp.unsolicitedAdvertisement(other, ip("2001:db8::7"));
        assertTrue(DuplicateAddressProbe.ndpConflict(new PacketSocket.Frame(unrelated, other, false), vip, true).isEmpty());
    }
}
