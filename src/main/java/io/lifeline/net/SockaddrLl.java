package io.lifeline.net;

import com.sun.jna.Structure;
import io.lifeline.os.LibC;

/**
 * {@code struct sockaddr_ll}: 20 bytes. {@code sll_protocol} is in network byte order, unlike
 * every other field.
 */
@Structure.FieldOrder({"sll_family", "sll_protocol", "sll_ifindex", "sll_hatype", "sll_pkttype",
        "sll_halen", "sll_addr"})
public final class SockaddrLl extends Structure {
    /** {@code sll_pkttype} of a frame this host sent itself (seen by packet sockets too). */
    public static final int PACKET_OUTGOING = 4;

    public short sll_family = (short) LibC.AF_PACKET;
    public short sll_protocol;
    public int sll_ifindex;
    public short sll_hatype;
    public byte sll_pkttype;
    public byte sll_halen;
    public byte[] sll_addr = new byte[8];

    static SockaddrLl of(int ethertype, int ifindex, MacAddress destination) {
        SockaddrLl sa = new SockaddrLl();
        sa.sll_protocol = ByteOrders.htons(ethertype);
        sa.sll_ifindex = ifindex;
        if (destination != null) {
            sa.sll_halen = 6;
            System.arraycopy(destination.bytes(), 0, sa.sll_addr, 0, 6);
        }
        return sa;
    }
}
