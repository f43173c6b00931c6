package io.lifeline.proxy.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Parses HAProxy addresses: {@code HOST:PORT}, {@code [IPV6]:PORT}, {@code :PORT} and
 * {@code *:PORT} (all addresses). Host names are resolved once, at load time, as HAProxy does.
 */
final class Addresses {

    private Addresses() {
    }

    static InetSocketAddress parse(String text) {
        return parse(text, false);
    }

    /** With {@code allowPortZero}, port 0 asks the kernel for a free port (used by tests). */
    static InetSocketAddress parse(String text, boolean allowPortZero) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not ADDRESS:PORT (IPv6 as [ADDR]:PORT)");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' has no port (expected ADDRESS:PORT)");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + text + "': write IPv6 addresses as [ADDR]:PORT");
            }
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + port + "' in '" + text + "' is not a port number"
                    + (port.contains("-") ? " (port ranges are not supported)" : ""));
        }
        if (portNumber < (allowPortZero ? 0 : 1) || portNumber > 65535) {
            throw new IllegalArgumentException("port " + portNumber + " in '" + text + "' is out of range "
                    + (allowPortZero ? 0 : 1) + "-65535");
        }
        if (host.isEmpty() || host.equals("*")) {
            return new InetSocketAddress(portNumber);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), portNumber);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("could not resolve address '" + host + "'");
        }
    }
}
