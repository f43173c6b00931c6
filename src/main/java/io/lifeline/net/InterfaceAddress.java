package io.lifeline.net;

import java.net.InetAddress;

/**
 * One address as the kernel lists it ({@code RTM_GETADDR}).
 *
 * @param label IPv4 label ({@code eth0:vip}); for IPv6, which has no labels, the empty string
 * @param flags {@code IFA_F_*} bits, from {@code IFA_FLAGS} when present (it supersedes the u8 field)
 * @param scope {@code RT_SCOPE_*}: 0 global, 253 link, 254 host
 */
public record InterfaceAddress(int ifindex, InetAddress address, int prefixLength, String label, int flags,
                               int scope) {
    public static final int IFA_F_SECONDARY = 0x01;
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFA_F_PERMANENT = 0x80;

    public IpFamily family() {
        return IpFamily.of(address);
    }

    /** IPv4 only: the address is not the first one of its subnet on the interface. */
    public boolean isSecondary() {
        return family() == IpFamily.IPV4 && (flags & IFA_F_SECONDARY) != 0;
    }

    /** IPv6 only: still in duplicate address detection, not usable yet. */
    public boolean isTentative() {
        return (flags & IFA_F_TENTATIVE) != 0;
    }

    public boolean isDadFailed() {
        return (flags & IFA_F_DADFAILED) != 0;
    }

    @Override
    public String toString() {
        return Addresses.format(address, prefixLength);
    }
}
