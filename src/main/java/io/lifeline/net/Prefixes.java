package io.lifeline.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Prefix arithmetic on raw address bytes. */
public final class Prefixes {
    private Prefixes() {
    }

    public static boolean sameNetwork(InetAddress a, InetAddress b, int prefixLength) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length || prefixLength < 0 || prefixLength > x.length * 8) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address with all host bits set (IPv4 broadcast, the "+" of {@code ip addr add brd +}). */
    public static Inet4Address highest(Inet4Address address, int prefixLength) {
        return (Inet4Address) withHostBits(address, prefixLength, true);
    }

    /** The address with all host bits cleared (the network address, the "-" of {@code brd -}). */
    public static Inet4Address lowest(Inet4Address address, int prefixLength) {
        return (Inet4Address) withHostBits(address, prefixLength, false);
    }

    private static InetAddress withHostBits(InetAddress address, int prefixLength, boolean set) {
        byte[] b = address.getAddress();
        for (int bit = prefixLength; bit < b.length * 8; bit++) {
            int mask = 0x80 >>> (bit % 8);
            b[bit / 8] = (byte) (set ? b[bit / 8] | mask : b[bit / 8] & ~mask);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for 4 or 16 bytes
        }
    }
}
