package io.lifeline.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectedRoutesTest {

    static Route v4(String dst, int len, int oif, int table, int proto, int scope, String gw) throws Exception {
        return new Route(IpFamily.IPV4, dst == null ? null : InetAddress.getByName(dst), len, table, proto, scope, 1,
                oif, gw == null ? null : InetAddress.getByName(gw));
    }

    static Route connected(String dst, int len, int oif) throws Exception {
        return v4(dst, len, oif, 254, 2, 253, null);
    }

    @Test
    void longestConnectedPrefixWins() throws Exception {
        List<Route> routes = List.of(connected("198.51.100.0", 24, 2), connected("198.51.100.128", 25, 3));
        List<Route> best = ConnectedRoutes.bestMatches(routes, InetAddress.getByName("198.51.100.200"));
        assertEquals(1, best.size());
        assertEquals(3, best.get(0).oif());
        assertEquals(25, best.get(0).prefixLength());
    }

    @Test
    void gatewayLocalTableStaticAndDefaultRoutesAreIgnored() throws Exception {
        List<Route> routes = List.of(
                v4(null, 0, 2, 254, 4, 0, "198.51.100.1"),                   // default via gateway
                v4("203.0.113.0", 24, 2, 254, 4, 0, "198.51.100.1"),         // static, via gateway
                v4("203.0.113.0", 24, 4, 254, 4, 253, null),                 // static, proto boot
                v4("203.0.113.5", 32, 2, 255, 2, 254, null));                // local table
        assertTrue(ConnectedRoutes.bestMatches(routes, InetAddress.getByName("203.0.113.5")).isEmpty());
    }

    @Test
    void equallySpecificRoutesOnTwoInterfacesAreBothReported() throws Exception {
        List<Route> routes = List.of(connected("198.51.100.0", 24, 2), connected("198.51.100.0", 24, 5));
        assertEquals(2, ConnectedRoutes.bestMatches(routes, InetAddress.getByName("198.51.100.9")).size());
    }

    @Test
    void ipv6ConnectedRoutesHaveUniverseScope() throws Exception {
        Route r = new Route(IpFamily.IPV6, InetAddress.getByName("2001:db8::"), 64, 254, 2, 0, 1, 3, null);
        assertTrue(r.isConnected());
        assertEquals(List.of(r), ConnectedRoutes.bestMatches(List.of(r), InetAddress.getByName("2001:db8::10")));
    }
}
