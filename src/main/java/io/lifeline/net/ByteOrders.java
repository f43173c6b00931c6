package io.lifeline.net;

import java.nio.ByteOrder;

/** Host/network byte order conversion for the few socket fields that need it. */
final class ByteOrders {
    private ByteOrders() {
    }

    /** {@code htons}: a 16-bit value as the short whose in-memory bytes are big-endian. */
    static short htons(int value) {
        short s = (short) value;
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Short.reverseBytes(s) : s;
    }
}
