package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void ipv6IsPrintedCompressedLikeIp() throws Exception {
        assertEquals("2001:db8::10", Addresses.format(InetAddress.getByName("2001:db8:0:0:0:0:0:10")));
        assertEquals("2001:db8:0:1::1", Addresses.format(InetAddress.getByName("2001:db8:0:1:0:0:0:1")));
        assertEquals("2001:db8::1:0:0:1", Addresses.format(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("::", Addresses.format(InetAddress.getByName("::")));
        assertEquals("fe80::1", Addresses.format(InetAddress.getByName("fe80::1")));
        assertEquals("2001:db8:1:2:3:4:5:6", Addresses.format(InetAddress.getByName("2001:db8:1:2:3:4:5:6")));
        assertEquals("198.51.100.7/24", Addresses.format(InetAddress.getByName("198.51.100.7"), 24));
    }

    @Test
    void broadcastAndNetworkAddresses() throws Exception {
        Inet4Address a = (Inet4Address) InetAddress.getByName("198.51.100.100");
        assertEquals(InetAddress.getByName("198.51.100.127"), Prefixes.highest(a, 25));
        assertEquals(InetAddress.getByName("198.51.100.0"), Prefixes.lowest(a, 25));
        assertEquals(InetAddress.getByName("198.51.100.255"), Prefixes.highest(a, 24));
        assertTrue(Prefixes.sameNetwork(a, InetAddress.getByName("198.51.100.1"), 24));
        assertFalse(Prefixes.sameNetwork(a, InetAddress.getByName("198.51.100.200"), 25));
        assertFalse(Prefixes.sameNetwork(a, InetAddress.getByName("2001:db8::1"), 0));
    }
}
