package io.lifeline.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/** Reads '\n'-terminated UTF-8 lines from a blocking channel (the client's side), bounded by {@link ControlProtocol#MAX_LINE}. */
final class LineReader {
    static final class LineTooLong extends IOException {
        LineTooLong() {
            super("line too long");
        }
    }

    private final ReadableByteChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(4096);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineReader(ReadableByteChannel ch) {
        this.ch = ch;
        buf.flip();
    }

    /** The next line without its terminator, or null at end of stream. */
    String readLine() throws IOException {
        while (true) {
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return s;
                }
                if (line.size() >= ControlProtocol.MAX_LINE) {
                    throw new LineTooLong();
                }
                line.write(b);
            }
            buf.clear();
            int n = ch.read(buf);
            buf.flip();
            if (n < 0) {
                if (line.size() > 0) {
                    String s = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return s;
                }
                return null;
            }
        }
    }
}
