package io.lifeline.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One client of the control socket, driven by {@link ControlServer}'s selector thread: it
 * assembles request lines from non-blocking reads, holds the answer being written, and knows its
 * deadline. A connection is in one of three phases:
 * <ul>
 * <li>{@code READING}: waiting for a whole request line, which must arrive within the request
 * timeout (counted from connect or from the previous answer, so a slow trickle of bytes does
 * not extend it);</li>
 * <li>{@code WORKING}: a worker computes the answer; nothing is read meanwhile, so requests on
 * one connection are answered in order;</li>
 * <li>{@code WRITING}: the answer goes out as fast as the client takes it, within the write
 * timeout.</li>
 * </ul>
 * Input is bounded by {@link ControlProtocol#MAX_LINE}: the buffer grows from 4 KiB only as a
 * long request needs it.
 */
final class ControlConnection {

    enum Phase { READING, WORKING, WRITING }

    /** What a read found. */
    enum Read { NOTHING_YET, REQUEST, TOO_LONG, CLOSED }

    private final SocketChannel channel;
    private final SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocate(4096);
    private ByteBuffer out;
    private String request;
    private boolean inputEnded;
    private Phase phase;
    private long deadlineMs;

    ControlConnection(SocketChannel channel, SelectionKey key) {
        this.channel = channel;
        this.key = key;
    }

    Phase phase() {
        return phase;
    }

    long deadlineMs() {
        return deadlineMs;
    }

    /** The request line found by the last {@link #read()} or {@link #nextBufferedRequest()}. */
    String request() {
        return request;
    }

    void awaitRequest(long nowMs, long timeoutMs) {
        phase = Phase.READING;
        deadlineMs = nowMs + timeoutMs;
        key.interestOps(SelectionKey.OP_READ);
    }

    void working() {
        phase = Phase.WORKING;
        deadlineMs = Long.MAX_VALUE;
        key.interestOps(0);
    }

    /** Reads what the client sent; at most one request line is taken out per call. */
    Read read() throws IOException {
        if (nextBufferedRequest()) {
            return Read.REQUEST;
        }
        while (true) {
            if (!in.hasRemaining()) {
                if (in.capacity() > ControlProtocol.MAX_LINE) {
                    return Read.TOO_LONG;
                }
                ByteBuffer bigger = ByteBuffer.allocate(Math.min(in.capacity() * 2, ControlProtocol.MAX_LINE + 1));
                in.flip();
                in = bigger.put(in);
            }
            int n = channel.read(in);
            if (n < 0) {
                inputEnded = true;
                // A last request without its newline still counts, as with any line-oriented tool.
                if (in.position() > 0 && !isBlank(in.array(), 0, in.position())) {
                    request = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
                    in.clear();
                    return Read.REQUEST;
                }
                return Read.CLOSED;
            }
            if (n == 0) {
                return Read.NOTHING_YET;
            }
            if (nextBufferedRequest()) {
                return Read.REQUEST;
            }
            if (in.position() > ControlProtocol.MAX_LINE) {
                return Read.TOO_LONG;
            }
        }
    }

    /** Takes the next complete, non-blank line already received, if any (pipelined requests). */
    boolean nextBufferedRequest() {
        byte[] buf = in.array();
        int start = 0;
        for (int i = 0; i < in.position(); i++) {
            if (buf[i] != '\n') {
                continue;
            }
            if (!isBlank(buf, start, i)) {
                request = new String(buf, start, i - start, StandardCharsets.UTF_8);
                consume(i + 1);
                return true;
            }
            start = i + 1;
        }
        consume(start);
        return false;
    }

    private void consume(int bytes) {
        in.flip();
        in.position(bytes);
        in.compact();
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Client sent end-of-file: once its last answer is written the connection is done. */
    boolean inputEnded() {
        return inputEnded;
    }

    void answer(byte[] line, long nowMs, long timeoutMs) {
        out = ByteBuffer.wrap(line);
        phase = Phase.WRITING;
        deadlineMs = nowMs + timeoutMs;
        key.interestOps(SelectionKey.OP_WRITE);
    }

    /** Writes what the client takes now; true once the whole answer is out. */
    boolean write() throws IOException {
        channel.write(out);
        return !out.hasRemaining();
    }

    /**
     * A last line for a client being turned away (too many connections, request too long or too
     * slow). One non-blocking write: a short line fits an empty socket buffer, and a client that
     * does not read its own socket gets nothing, rather than a thread blocked on it.
     */
    void refuse(byte[] line) {
        try {
            discardPendingInput();
            channel.write(ByteBuffer.wrap(line));
        } catch (IOException ignored) {
            // the client is gone anyway
        }
        close();
    }

    /**
     * Reads away what the client already sent: closing a Unix socket with unread input resets the
     * connection (ECONNRESET for the client), which would swallow the error line. Bounded, and
     * only what is already here; a client still sending gets the reset.
     */
    private void discardPendingInput() throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(8192);
        for (int total = 0; total < 4 * ControlProtocol.MAX_LINE; ) {
            sink.clear();
            int n = channel.read(sink);
            if (n <= 0) {
                return;
            }
            total += n;
        }
    }

    void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
