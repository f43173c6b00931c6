package io.lifeline.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink request as raw bytes in native byte order: the 16-byte {@code nlmsghdr},
 * a fixed family header ({@code ifaddrmsg}, {@code ifinfomsg}, {@code rtmsg}) and attributes.
 * Attribute lengths exclude padding; each attribute starts 4-byte aligned; the header's length
 * is the total including padding.
 */
final class NlMessageBuilder {
    private final int type;
    private final int flags;
    private final ByteBuffer buf = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());

    NlMessageBuilder(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buf.position(Netlink.HEADER_LENGTH);
    }

    NlMessageBuilder u8(int v) {
        buf.put((byte) v);
        return this;
    }

    NlMessageBuilder u16(int v) {
        buf.putShort((short) v);
        return this;
    }

    NlMessageBuilder u32(int v) {
        buf.putInt(v);
        return this;
    }

    NlMessageBuilder attr(int attrType, byte[] payload) {
        buf.position(Netlink.align4(buf.position()));
        buf.putShort((short) (4 + payload.length));
        buf.putShort((short) attrType);
        buf.put(payload);
        buf.position(Netlink.align4(buf.position()));
        return this;
    }

    NlMessageBuilder attrU32(int attrType, int value) {
        return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string attribute, as the kernel expects for names and labels. */
    NlMessageBuilder attrString(int attrType, String value) {
        byte[] s = value.getBytes(StandardCharsets.US_ASCII);
        return attr(attrType, Arrays.copyOf(s, s.length + 1));
    }

    byte[] build(int seq) {
        int length = Netlink.align4(buf.position());
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        out.putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        out.put(buf.array(), Netlink.HEADER_LENGTH, length - Netlink.HEADER_LENGTH);
        return out.array();
    }
}
