package io.lifeline.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the link whether anyone already uses an address, before this host takes it. IPv4: RFC 5227
 * ARP probes (sender IP 0.0.0.0, so no cache learns anything); IPv6: RFC 4862 duplicate-address
 * solicitations from {@code ::}. A reply, an announcement of the address, or another host
 * probing for it at the same time counts as a conflict.
 *
 * <p>RFC 5227 spaces its probes 1-2 s apart; an HA failover cannot afford that, so the count and
 * interval are the caller's (a LAN neighbour answers within milliseconds).
 */
public final class DuplicateAddressProbe {
    private static final Logger log = LoggerFactory.getLogger(DuplicateAddressProbe.class);

    private DuplicateAddressProbe() {
    }

    /**
     * Sends {@code count} probes {@code interval} apart and listens until one interval after the
     * last; returns the MAC of the first other host found using the address.
     */
    public static Optional<MacAddress> probe(int ifindex, MacAddress ownMac, InetAddress address, int count,
                                             Duration interval) throws NetException {
        return probe(ifindex, ownMac, address, count, interval, true);
    }

    /**
     * @param probersConflict whether another host probing for the address at the same time counts
     *                        as a conflict: yes before taking it (RFC 5227); no for a check ahead
     *                        of a takeover (docs/vip.md), when every survivor may probe at once and
     *                        only an answer says that someone holds the address
     */
    public static Optional<MacAddress> probe(int ifindex, MacAddress ownMac, InetAddress address, int count,
                                             Duration interval, boolean probersConflict) throws NetException {
        boolean v4 = address instanceof Inet4Address;
        try (PacketSocket s = PacketSocket.open(ifindex, v4 ? PacketSocket.ETH_P_ARP : PacketSocket.ETH_P_IPV6)) {
            byte[] probe;
            MacAddress destination;
            if (v4) {
                probe = ArpPacket.probe(ownMac, (Inet4Address) address).encode();
                destination = MacAddress.BROADCAST;
            } else {
                probe = Ndp.dadSolicitation((Inet6Address) address);
                destination = Ndp.multicastMac(Ndp.solicitedNodeGroup((Inet6Address) address));
            }
            for (int i = 0; i < count; i++) {
                s.send(probe, destination);
                long until = System.nanoTime() + interval.toNanos();
                while (true) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Optional<PacketSocket.Frame> frame = s.receive(Duration.ofNanos(left));
                    if (frame.isEmpty()) {
                        break;
                    }
                    PacketSocket.Frame f = frame.get();
                    if (f.outgoing() || f.source().equals(ownMac)) {
                        continue;
                    }
                    Optional<MacAddress> owner = v4 ? arpConflict(f, (Inet4Address) address, probersConflict)
                            : ndpConflict(f, (Inet6Address) address, probersConflict);
                    if (owner.isPresent()) {
                        log.debug("probe for {} answered by {}", Addresses.format(address), owner.get());
                        return owner;
                    }
                }
            }
            return Optional.empty();
        }
    }

    static Optional<MacAddress> arpConflict(PacketSocket.Frame f, Inet4Address address, boolean probersConflict) {
        Optional<ArpPacket> arp = ArpPacket.decode(f.payload());
        if (arp.isEmpty()) {
            return Optional.empty();
        }
        ArpPacket p = arp.get();
        boolean claims = p.senderIp().equals(address);
        boolean probesToo = probersConflict && p.isProbe() && p.targetIp().equals(address);
        return claims || probesToo ? Optional.of(p.senderMac()) : Optional.empty();
    }

    static Optional<MacAddress> ndpConflict(PacketSocket.Frame f, Inet6Address address, boolean probersConflict) {
        Optional<Ndp.Message> nd = Ndp.decode(f.payload());
        if (nd.isEmpty() || !nd.get().target().equals(address)) {
            return Optional.empty();
        }
        Ndp.Message m = nd.get();
        boolean advertises = m.type() == Ndp.NEIGHBOR_ADVERTISEMENT;
        boolean probesToo = probersConflict && m.type() == Ndp.NEIGHBOR_SOLICITATION
                && m.source().equals(Ndp.UNSPECIFIED);
        if (!advertises && !probesToo) {
            return Optional.empty();
        }
        return Optional.of(m.linkLayer() != null ? m.linkLayer() : f.source());
    }
}
