package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.os.Errno;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kernel replies as the kernel lays them out, decoded. */
class NetlinkDecodingTest {

    @BeforeEach
    void littleEndianOnly() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "fixtures are little-endian");
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|]", ""));
    }

    /** RTM_NEWADDR for 198.51.100.100/25 secondary, label eth0:vip, with a cacheinfo attribute to skip. */
    static final String NEWADDR_SECONDARY =
            "5c000000 1400 0200 2a000000 39300000"
            + "02 19 81 00 12000000"
            + "0800 0100 c6336464"
            + "0800 0200 c6336464"
            + "0800 0400 c633647f"
            + "0d00 0300 657468303a76697000 000000"
            + "0800 0800 81000000"
            + "1400 0600 ffffffff ffffffff 10000000 10000000";

    @Test
    void ipv4AddressWithFlagsLabelAndScope() throws Exception {
        List<NlMessage> ms = NlMessages.split(hex(NEWADDR_SECONDARY), hex(NEWADDR_SECONDARY).length);
        assertEquals(1, ms.size());
        assertEquals(42, ms.get(0).seq());
        InterfaceAddress a = AddressMessages.decode(ms.get(0));
        assertEquals(InetAddress.getByName("198.51.100.100"), a.address());
        assertEquals(25, a.prefixLength());
        assertEquals(18, a.ifindex());
        assertEquals("eth0:vip", a.label());
        assertEquals(0x81, a.flags());
        assertTrue(a.isSecondary());
        assertEquals(0, a.scope());
    }

    @Test
    void ifaFlagsAttributeSupersedesTheByteField() throws Exception {
        // u8 flags says 0x80 (permanent); IFA_FLAGS carries NODAD|PERMANENT = 0x82
        String m = "34000000 1400 0200 01000000 00000000"
                + "0a 40 80 00 03000000"
                + "1400 0100 20010db8000000000000000000000100"
                + "0800 0800 82000000";
        InterfaceAddress a = AddressMessages.decode(NlMessages.split(hex(m), hex(m).length).get(0));
        assertEquals(InetAddress.getByName("2001:db8::100"), a.address());
        assertEquals(0x82, a.flags());
        assertEquals("", a.label());
        assertFalse(a.isSecondary());
        assertFalse(a.isTentative());
    }

    @Test
    void severalMessagesInOneBufferAreAllReturned() throws Exception {
        String done = "14000000 0300 0200 2a000000 39300000 00000000";
        byte[] buf = hex(NEWADDR_SECONDARY + NEWADDR_SECONDARY + done);
        List<NlMessage> ms = NlMessages.split(buf, buf.length);
        assertEquals(3, ms.size());
        assertEquals(Netlink.NLMSG_DONE, ms.get(2).type());
    }

    @Test
    void lengthBeyondTheDataIsAProtocolError() {
        byte[] buf = hex("ff000000 1400 0200 01000000 00000000 00000000");
        NetException e = assertThrows(NetException.class, () -> NlMessages.split(buf, buf.length));
        assertEquals(Errno.EPROTO, e.errno());
    }

    @Test
    void truncatedAttributeIsAProtocolError() {
        String m = "20000000 1400 0200 01000000 00000000 02 18 00 00 01000000 4000 0200 c6336464";
        NetException e = assertThrows(NetException.class,
                () -> AddressMessages.decode(NlMessages.split(hex(m), hex(m).length).get(0)));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void linkStateWithFlagsOperstateAndMac() throws Exception {
        String m = "48000000 1000 0000 05000000 00000000"
                + "00 00 0100 03000000 43100100 00000000"    // ARPHRD_ETHER, ifindex 3, flags UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
                + "0900 0300 6574683000 000000"             // IFLA_IFNAME eth0
                + "0800 0400 dc050000"                      // IFLA_MTU 1500
                + "0500 1000 06 000000"                     // IFLA_OPERSTATE UP
                + "0a00 0100 2a1aa53a6e9b 0000";            // IFLA_ADDRESS
        LinkState l = LinkMessages.decode(NlMessages.split(hex(m), hex(m).length).get(0));
        assertEquals(3, l.ifindex());
        assertEquals("eth0", l.name());
        assertTrue(l.adminUp());
        assertTrue(l.lowerUp());
        assertEquals(OperState.UP, l.operState());
        assertEquals(MacAddress.parse("2a:1a:a5:3a:6e:9b"), l.mac());
        assertEquals(1500, l.mtu());
        assertTrue(l.isUsable());
    }

    @Test
    void linkWithoutCarrierIsNotUsable() throws Exception {
        String m = "34000000 1000 0000 05000000 00000000"
                + "00 00 0100 03000000 03100000 00000000"   // UP but no LOWER_UP
                + "0500 1000 02 000000"                     // operstate DOWN
                + "0900 0300 6574683000 000000";
        LinkState l = LinkMessages.decode(NlMessages.split(hex(m), hex(m).length).get(0));
        assertFalse(l.isUsable());
        assertEquals("link eth0 is down (no carrier)", l.describe());
    }

    @Test
    void connectedRouteDecoding() throws Exception {
        String m = "3c000000 1800 0200 01000000 00000000"
                + "02 18 00 00 fe 02 fd 01 00000000"        // /24, table main, proto kernel, scope link, unicast
                + "0800 0f00 fe000000"                      // RTA_TABLE 254
                + "0800 0100 c6336400"                      // RTA_DST 198.51.100.0
                + "0800 0700 c6336401"                      // RTA_PREFSRC
                + "0800 0400 03000000";                     // RTA_OIF 3
        Route r = RouteMessages.decode(NlMessages.split(hex(m), hex(m).length).get(0));
        assertEquals(InetAddress.getByName("198.51.100.0"), r.destination());
        assertEquals(24, r.prefixLength());
        assertEquals(3, r.oif());
        assertNull(r.gateway());
        assertTrue(r.isConnected());
        assertTrue(r.covers(InetAddress.getByName("198.51.100.200")));
        assertFalse(r.covers(InetAddress.getByName("198.51.101.1")));
    }
}
