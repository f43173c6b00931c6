package io.lifeline.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One received netlink message. {@link #payload()} is a native-order view of the bytes after
 * the 16-byte header, up to {@code nlmsg_len}.
 */
record NlMessage(int type, int flags, int seq, int pid, ByteBuffer payloadView) {

    ByteBuffer payload() {
        return payloadView.duplicate().order(ByteOrder.nativeOrder());
    }

    int payloadLength() {
        return payloadView.remaining();
    }
}
