package io.lifeline.net;

import com.sun.jna.Structure;
import io.lifeline.os.LibC;

/** {@code struct sockaddr_nl}: 12 bytes. Port id 0 lets the kernel assign one. */
@Structure.FieldOrder({"nl_family", "nl_pad", "nl_pid", "nl_groups"})
public final class SockaddrNl extends Structure {
    public short nl_family = (short) LibC.AF_NETLINK;
    public short nl_pad;
    public int nl_pid;
    public int nl_groups;
}
