package io.lifeline.agent.ip;

import io.lifeline.net.Addresses;
import io.lifeline.net.IpFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed virtual-IP resource: {@code IPaddr::IP[/BITS[/IFACE[/BROADCAST]]]} plus options.
 *
 * @param prefixLength empty: taken from the connected route that covers the address
 * @param nic the base interface ({@code eth0} of {@code eth0:0}); empty: the interface whose
 *            connected route covers the address
 * @param label the full label when IFACE was written as {@code eth0:0}
 */
public record IpAddrSpec(InetAddress address, OptionalInt prefixLength, Optional<String> nic, Optional<String> label,
                         Broadcast broadcast, VipOptions options) {

    public IpFamily family() {
        return IpFamily.of(address);
    }

    /** The IPv4 label to put on the address on interface {@code ifname}, or empty for none. */
    public Optional<String> labelOn(String ifname) {
        if (label.isPresent()) {
            return label;
        }
        return options.ifLabel().map(tag -> ifname + ":" + tag);
    }

    /** What the broadcast field said: {@code +} (highest address, the default), {@code -} (lowest), or an address. */
    public record Broadcast(Kind kind, Inet4Address address) {
        public enum Kind { HIGHEST, LOWEST, EXPLICIT }

        public static final Broadcast DEFAULT = new Broadcast(Kind.HIGHEST, null);
    }

    /** The address part as the user would write it, for messages: {@code 198.51.100.10/24 on eth0}. */
    public String describe() {
        String a = Addresses.format(address) + (prefixLength.isPresent() ? "/" + prefixLength.getAsInt() : "");
        return nic.map(n -> a + " on " + n).orElse(a);
    }
}
