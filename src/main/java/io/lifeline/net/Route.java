package io.lifeline.net;

import java.net.InetAddress;

/**
 * One route from an {@code RTM_GETROUTE} dump.
 *
 * @param destination null for a default route
 * @param gateway null for directly connected routes
 */
public record Route(IpFamily family, InetAddress destination, int prefixLength, int table, int protocol, int scope,
                    int type, int oif, InetAddress gateway) {

    /**
     * A subnet the host sits on directly: the route the kernel adds with an address
     * ({@code proto kernel}, no gateway, unicast, main table; IPv4 ones also {@code scope link}).
     */
    public boolean isConnected() {
        boolean scopeOk = family == IpFamily.IPV6 || scope == Netlink.RT_SCOPE_LINK;
        return table == Netlink.RT_TABLE_MAIN && protocol == Netlink.RTPROT_KERNEL && type == Netlink.RTN_UNICAST
                && gateway == null && oif > 0 && destination != null && scopeOk;
    }

    /** Whether {@code address} lies in this route's destination prefix. */
    public boolean covers(InetAddress address) {
        if (destination == null || IpFamily.of(address) != family) {
            return false;
        }
        return Prefixes.sameNetwork(destination, address, prefixLength);
    }

    @Override
    public String toString() {
        return (destination == null ? "default" : Addresses.format(destination, prefixLength))
                + " oif " + oif + " table " + table + " proto " + protocol + " scope " + scope;
    }
}
