package io.lifeline.net;

import io.lifeline.os.Errno;
import java.io.Closeable;

/** The raw datagram side of a netlink socket; separate so the protocol logic can be tested without a kernel. */
interface NetlinkTransport extends Closeable {

    void send(byte[] message) throws NetException;

    /**
     * Receives one datagram into {@code buf}; returns its length. Throws a {@link NetException}
     * with {@link Errno#EAGAIN} when nothing arrives within the socket's receive timeout.
     */
    int receive(byte[] buf) throws NetException;

    @Override
    void close();
}
