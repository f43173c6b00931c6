package io.lifeline.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Tells the neighbours on a link that an address now lives at this host's MAC: gratuitous ARP
 * for IPv4, an unsolicited neighbour advertisement for IPv6. Neighbours that already have an
 * entry for the address update it at once instead of waiting for it to expire.
 */
public final class NeighbourAnnouncer {
    private NeighbourAnnouncer() {
    }

    /**
     * Builds the frames {@link #announceOnce} would send and opens its socket, but sends
     * nothing (a warm-up before the first real announcement).
     */
    public static void prepare(int ifindex, MacAddress mac, InetAddress address) throws NetException {
        if (address instanceof Inet4Address ip) {
            ArpPacket.announcement(mac, ip).encode();
            ArpPacket.gratuitousReply(mac, ip).encode();
            PacketSocket.prepareSending(ifindex, PacketSocket.ETH_P_ARP);
        } else {
            Ndp.unsolicitedAdvertisement(mac, (Inet6Address) address);
            Ndp.multicastMac(Ndp.ALL_NODES);
            PacketSocket.prepareSending(ifindex, PacketSocket.ETH_P_IPV6);
        }
    }

    /**
     * Sends one announcement round: for IPv4 one or two ARP packets per {@code mode}, for IPv6
     * one neighbour advertisement ({@code mode} does not apply).
     */
    public static void announceOnce(int ifindex, MacAddress mac, InetAddress address, ArpMode mode)
            throws NetException {
        if (address instanceof Inet4Address) {
            Inet4Address ip = (Inet4Address) address;
            if (mode != ArpMode.REPLY) {
                PacketSocket.sendOnce(ArpPacket.announcement(mac, ip).encode(), ifindex, PacketSocket.ETH_P_ARP,
                        MacAddress.BROADCAST);
            }
            if (mode != ArpMode.REQUEST) {
                PacketSocket.sendOnce(ArpPacket.gratuitousReply(mac, ip).encode(), ifindex, PacketSocket.ETH_P_ARP,
                        MacAddress.BROADCAST);
            }
        } else {
            PacketSocket.sendOnce(Ndp.unsolicitedAdvertisement(mac, (Inet6Address) address), ifindex,
                    PacketSocket.ETH_P_IPV6, Ndp.multicastMac(Ndp.ALL_NODES));
        }
    }
}
