package io.lifeline.net;

import io.lifeline.os.LibC;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** IPv4 or IPv6, with the kernel's address family number and address length. */
public enum IpFamily {
    IPV4(LibC.AF_INET, 4),
    IPV6(LibC.AF_INET6, 16);

    private final int af;
    private final int addressLength;

    IpFamily(int af, int addressLength) {
        this.af = af;
        this.addressLength = addressLength;
    }

    public int af() {
        return af;
    }

    public int addressLength() {
        return addressLength;
    }

    public int maxPrefixLength() {
        return addressLength * 8;
    }

    public static IpFamily of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return IPV4;
        }
        if (address instanceof Inet6Address) {
            return IPV6;
        }
        throw new IllegalArgumentException("neither IPv4 nor IPv6: " + address);
    }

    static IpFamily ofAf(int af) {
        return af == LibC.AF_INET ? IPV4 : af == LibC.AF_INET6 ? IPV6 : null;
    }
}
