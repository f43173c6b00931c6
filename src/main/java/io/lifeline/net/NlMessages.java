package io.lifeline.net;

import io.lifeline.os.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Splits received buffers into netlink messages and messages into attributes. */
final class NlMessages {
    private NlMessages() {
    }

    /**
     * All messages in the first {@code length} bytes of {@code buf} (one {@code recv()} can carry
     * several). A length field that is too small or runs past the data is a protocol error.
     */
    static List<NlMessage> split(byte[] buf, int length) throws NetException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.nativeOrder());
        List<NlMessage> out = new ArrayList<>();
        int off = 0;
        while (length - off >= Netlink.HEADER_LENGTH) {
            int len = bb.getInt(off);
            if (len < Netlink.HEADER_LENGTH || len > length - off) {
                throw new NetException(Errno.EPROTO, "malformed netlink reply: message at offset " + off
                        + " claims " + len + " bytes, " + (length - off) + " available");
            }
            int type = Short.toUnsignedInt(bb.getShort(off + 4));
            int flags = Short.toUnsignedInt(bb.getShort(off + 6));
            int seq = bb.getInt(off + 8);
            int pid = bb.getInt(off + 12);
            ByteBuffer payload = ByteBuffer.wrap(buf, off + Netlink.HEADER_LENGTH, len - Netlink.HEADER_LENGTH)
                    .slice().order(ByteOrder.nativeOrder());
            out.add(new NlMessage(type, flags, seq, pid, payload));
            off += Netlink.align4(len);
        }
        return out;
    }

    /**
     * The attributes of a message, starting {@code offset} bytes into its payload (after the fixed
     * family header). Later duplicates win; a truncated attribute is a protocol error.
     */
    static Map<Integer, ByteBuffer> attributes(ByteBuffer payload, int offset) throws NetException {
        Map<Integer, ByteBuffer> attrs = new HashMap<>();
        int end = payload.limit();
        int off = offset;
        while (end - off >= 4) {
            int len = Short.toUnsignedInt(payload.getShort(off));
            int type = Short.toUnsignedInt(payload.getShort(off + 2)) & 0x3fff; // strip NLA_F_NESTED/NET_BYTEORDER
            if (len < 4 || len > end - off) {
                throw new NetException(Errno.EPROTO, "malformed netlink attribute " + type + " at offset " + off
                        + ": length " + len + ", " + (end - off) + " bytes left");
            }
            ByteBuffer value = payload.duplicate();
            value.position(off + 4).limit(off + len);
            attrs.put(type, value.slice().order(ByteOrder.nativeOrder()));
            off += Netlink.align4(len);
        }
        return attrs;
    }

    static byte[] bytes(ByteBuffer attr) {
        byte[] b = new byte[attr.remaining()];
        attr.duplicate().get(b);
        return b;
    }

    /** A NUL-terminated (or unterminated) string attribute. */
    static String string(ByteBuffer attr) {
        byte[] b = bytes(attr);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    static int u32(ByteBuffer attr) throws NetException {
        if (attr.remaining() < 4) {
            throw new NetException(Errno.EPROTO, "malformed netlink attribute: u32 with " + attr.remaining() + " bytes");
        }
        return attr.getInt(attr.position());
    }

    static int u8(ByteBuffer attr) throws NetException {
        if (attr.remaining() < 1) {
            throw new NetException(Errno.EPROTO, "malformed netlink attribute: empty u8");
        }
        return Byte.toUnsignedInt(attr.get(attr.position()));
    }
}
