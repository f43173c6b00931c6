package io.lifeline.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An address to add: {@code ip addr add ADDRESS/PREFIX [brd BROADCAST] [label LABEL] dev IFINDEX}.
 *
 * @param broadcast IPv4 only, may be null (no broadcast attribute)
 * @param label IPv4 only, may be null; must be {@code <ifname>} or {@code <ifname>:<tag>}, at most 15 characters
 * @param noDad IPv6 only: skip the kernel's duplicate address detection so the address is usable at once
 * @param lifetimeSeconds 0: permanent; otherwise the kernel removes the address by itself this many
 *                        seconds after it was added or last renewed ({@code valid_lft}, {@code preferred_lft})
 */
public record AddressRequest(int ifindex, InetAddress address, int prefixLength, Inet4Address broadcast,
                             String label, boolean noDad, int lifetimeSeconds) {
    /** IFNAMSIZ - 1: the kernel keeps labels in a 16-byte field with its NUL. */
    public static final int MAX_LABEL_LENGTH = 15;

    public AddressRequest {
        Objects.requireNonNull(address, "address");
        IpFamily family = IpFamily.of(address);
        if (prefixLength < 0 || prefixLength > family.maxPrefixLength()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + family);
        }
        if (family == IpFamily.IPV6 && (broadcast != null || label != null)) {
            throw new IllegalArgumentException("IPv6 addresses have no broadcast address or label");
        }
        if (label != null && (label.isEmpty() || label.length() > MAX_LABEL_LENGTH)) {
            throw new IllegalArgumentException("label \"" + label + "\" must have 1 to 15 characters");
        }
        if (lifetimeSeconds < 0) {
            throw new IllegalArgumentException("lifetime " + lifetimeSeconds + " s is negative");
        }
    }

    /** A permanent address. */
    public AddressRequest(int ifindex, InetAddress address, int prefixLength, Inet4Address broadcast, String label,
                          boolean noDad) {
        this(ifindex, address, prefixLength, broadcast, label, noDad, 0);
    }

    public AddressRequest withLifetime(int seconds) {
        return new AddressRequest(ifindex, address, prefixLength, broadcast, label, noDad, seconds);
    }
}
