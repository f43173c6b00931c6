package io.lifeline.ipvs.kernel;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IP address and port as IPVS uses them for virtual services and real servers. Written
 * the way {@code ipvsadm -n} writes it: {@code 198.51.100.10:80}, {@code [2001:db8::1]:80}.
 */
public record Endpoint(InetAddress address, int port) implements Comparable<Endpoint> {

    public Endpoint {
        Objects.requireNonNull(address);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** The address alone, IPv6 without brackets. */
    public String host() {
        return address.getHostAddress().replaceFirst("%.*$", "");
    }

    /** {@code ADDRESS:PORT} in ipvsadm's numeric syntax. */
    public String ipvsadm() {
        return (isIpv6() ? "[" + canonicalV6() + "]" : host()) + ":" + port;
    }

    /**
     * Parses ipvsadm's numeric {@code ADDRESS:PORT} / {@code [V6]:PORT}; never resolves names.
     *
     * @throws IllegalArgumentException when it is not an IP literal with a port
     */
    public static Endpoint parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int end = text.indexOf("]:");
            if (end < 0) {
                throw new IllegalArgumentException("not [ADDRESS]:PORT: " + text);
            }
            host = text.substring(1, end);
            port = text.substring(end + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not ADDRESS:PORT: " + text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        InetAddress address = IpLiterals.parse(host);
        if (address == null) {
            throw new IllegalArgumentException("not an IP address: " + host);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        return new Endpoint(address, p);
    }

    private String canonicalV6() {
        // Java writes 2001:db8:0:0:0:0:0:1; ipvsadm (inet_ntop) writes 2001:db8::1
        return IpLiterals.compressV6(host());
    }

    @Override
    public String toString() {
        return ipvsadm();
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = java.util.Arrays.compare(address.getAddress(), o.address.getAddress());
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
