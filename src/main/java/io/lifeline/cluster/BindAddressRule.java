package io.lifeline.cluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which address of a device a link binds to. Never JGroups' {@code match-interface}: it takes
 * the newest address of the interface, which is the VIP whenever one is up there (a node
 * restarted while holding its VIP would then send heartbeats from the VIP).
 *
 * <p>Rule: among the device's IPv4 addresses, drop every VIP named in haresources; if one of the
 * remaining addresses is listed as a ucast peer, use it (it is how the other nodes know us);
 * otherwise use the oldest configured one, i.e. the last in Java's list, which lists newest
 * first (the primary address configured at boot, before any VIP or secondary).
 */
public final class BindAddressRule {

    /** The chosen address, and the broadcast address of its subnet when the kernel has one. */
    public record Choice(InetAddress address, Optional<InetAddress> broadcast) {
    }

    /** A device without usable address, or a missing device; the message names both. */
    public static final class NoAddressException extends Exception {
        public NoAddressException(String message) {
            super(message);
        }
    }

    private BindAddressRule() {
    }

    public static Choice choose(String device, Set<InetAddress> vips, Collection<InetAddress> ucastPeers)
            throws NoAddressException {
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByName(device);
        } catch (SocketException e) {
            throw new NoAddressException("cannot read interface " + device + ": " + e.getMessage());
        }
        if (nif == null) {
            throw new NoAddressException("network interface " + device + " does not exist");
        }
        List<InterfaceAddress> inJavaOrder = new ArrayList<>();
        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
            if (ia.getAddress() instanceof Inet4Address) {
                inJavaOrder.add(ia);
            }
        }
        List<InetAddress> addresses = inJavaOrder.stream().map(InterfaceAddress::getAddress).toList();
        InetAddress chosen = pick(addresses, vips, ucastPeers).orElseThrow(() -> new NoAddressException(
                "network interface " + device + " has no IPv4 address other than haresources VIPs "
                        + vips + " (addresses: " + addresses + ")"));
        Optional<InetAddress> brd = inJavaOrder.stream().filter(ia -> ia.getAddress().equals(chosen))
                .map(InterfaceAddress::getBroadcast).filter(b -> b != null).findFirst();
        return new Choice(chosen, brd);
    }

    /** The pure part of the rule, on addresses in Java's order (newest first). */
    public static Optional<InetAddress> pick(List<InetAddress> newestFirst, Set<InetAddress> vips,
                                             Collection<InetAddress> ucastPeers) {
        List<InetAddress> candidates = newestFirst.stream().filter(a -> !vips.contains(a)).toList();
        for (InetAddress a : candidates) {
            if (ucastPeers.contains(a)) {
                return Optional.of(a);
            }
        }
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(candidates.size() - 1));
    }
}
