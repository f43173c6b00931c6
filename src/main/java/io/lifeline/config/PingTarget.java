package io.lifeline.config;

import java.net.InetAddress;
import java.util.List;

/**
 * A connectivity reference from {@code ping} (one address, one target per address) or
 * {@code ping_group name addr...} (one target that is up while any of its addresses answers).
 */
public record PingTarget(String name, List<InetAddress> addresses, int line) {
    public PingTarget {
        addresses = List.copyOf(addresses);
    }
}
