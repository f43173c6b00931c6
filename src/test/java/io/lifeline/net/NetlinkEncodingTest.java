package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests compared byte for byte with the layouts of linux/netlink.h, if_addr.h, rtnetlink.h
 * (little-endian hosts, as the fixtures are written out in that order).
 */
class NetlinkEncodingTest {

    @BeforeEach
    void littleEndianOnly() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "fixtures are little-endian");
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    @Test
    void addIpv4AddressWithBroadcastAndLabel() throws Exception {
        byte[] msg = AddressMessages.add(new AddressRequest(18, InetAddress.getByName("198.51.100.100"), 25,
                (Inet4Address) InetAddress.getByName("198.51.100.127"), "eth0:vip", false), 7);
        assertArrayEquals(hex(
                "40000000 1400 0506 07000000 00000000"      // nlmsghdr: len 64, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 7
                + "02 19 00 00 12000000"                     // ifaddrmsg: AF_INET, /25, flags 0, scope 0, ifindex 18
                + "0800 0200 c6336464"                       // IFA_LOCAL 198.51.100.100
                + "0800 0100 c6336464"                       // IFA_ADDRESS
                + "0800 0400 c633647f"                       // IFA_BROADCAST 198.51.100.127
                + "0d00 0300 657468303a76697000 000000"),    // IFA_LABEL "eth0:vip\0", rta_len 13, padded to 16
                msg);
    }

    @Test
    void addIpv6AddressWithNoDad() throws Exception {
        byte[] msg = AddressMessages.add(new AddressRequest(3, InetAddress.getByName("2001:db8::100"), 64, null, null,
                true), 1);
        assertArrayEquals(hex(
                "48000000 1400 0506 01000000 00000000"
                + "0a 40 02 00 03000000"                     // AF_INET6, /64, IFA_F_NODAD, scope 0, ifindex 3
                + "1400 0200 20010db8000000000000000000000100"
                + "1400 0100 20010db8000000000000000000000100"
                + "0800 0800 02000000"),                     // IFA_FLAGS = NODAD (u32)
                msg);
    }

    @Test
    void deleteCarriesThePrefixLengthAndAsksForAnAck() throws Exception {
        byte[] msg = AddressMessages.delete(18, InetAddress.getByName("198.51.100.100"), 25, 9);
        assertArrayEquals(hex(
                "28000000 1500 0500 09000000 00000000"      // len 40, RTM_DELADDR, REQUEST|ACK
                + "02 19 00 00 12000000"
                + "0800 0200 c6336464"
                + "0800 0100 c6336464"),
                msg);
    }

    @Test
    void dumpRequests() {
        assertArrayEquals(hex("18000000 1600 0103 05000000 00000000 02 00 00 00 00000000"),
                AddressMessages.dump(IpFamily.IPV4, 5));
        assertArrayEquals(hex("1c000000 1a00 0103 06000000 00000000 0a 00 00 00 00 00 00 00 00000000"),
                RouteMessages.dump(IpFamily.IPV6, 6));
    }

    @Test
    void linkQueryByNameCarriesIflaIfname() {
        assertArrayEquals(hex(
                "2c000000 1200 0500 02000000 00000000"      // len 44, RTM_GETLINK, REQUEST|ACK
                + "00 00 0000 00000000 00000000 00000000"    // ifinfomsg, index 0: look up by name
                + "0900 0300 6574683000 000000"),            // IFLA_IFNAME "eth0\0"
                LinkMessages.getByName("eth0", 2));
        assertArrayEquals(hex("20000000 1200 0500 03000000 00000000 00 00 0000 07000000 00000000 00000000"),
                LinkMessages.getByIndex(7, 3));
    }

    @Test
    void lengthFieldsExcludeAttributePaddingButTotalIncludesIt() {
        byte[] msg = new NlMessageBuilder(99, 1).u32(0).attr(1, new byte[] {1}).attr(2, new byte[] {2, 3}).build(0);
        // header 16 + 4 + (4+1 -> 8) + (4+2 -> 8)
        assertEquals(36, msg.length);
        assertEquals(36, msg[0]);
        assertEquals(5, msg[20]);   // first rta_len
        assertEquals(6, msg[28]);   // second attribute starts 4-aligned at 28
    }
}
