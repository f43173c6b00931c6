package io.lifeline.proxy.http;

import java.nio.ByteBuffer;

/**
 * Follows the framing of a chunked body as its bytes pass through, without copying or
 * changing them: the proxy forwards chunked bodies as they are and only needs to know where
 * the message ends. Chunk data is skipped in O(1); only size lines and trailers are scanned.
 */
public final class ChunkedFraming {

    private static final int SIZE = 0;
    private static final int SIZE_EXT = 1;
    private static final int SIZE_LF = 2;
    private static final int DATA = 3;
    private static final int DATA_CR = 4;
    private static final int DATA_LF = 5;
    private static final int TRAILER_START = 6;
    private static final int TRAILER = 7;
    private static final int FINAL_LF = 8;
    private static final int DONE = 9;
    private static final int ERROR = 10;

    private int state;
    private long size;
    private int sizeDigits;

    public void reset() {
        state = SIZE;
        size = 0;
        sizeDigits = 0;
    }

    public boolean isDone() {
        return state == DONE;
    }

    public boolean isError() {
        return state == ERROR;
    }

    /**
     * Advances over the bytes of {@code b} from {@code from} to the limit; returns the offset
     * where the message ends (when {@link #isDone()}) or the limit. Stops at a framing error.
     */
    public int scan(ByteBuffer b, int from) {
        int limit = b.limit();
        int p = from;
        while (p < limit && state < DONE) {
            if (state == DATA) {
                long n = Math.min(size, limit - p);
                p += (int) n;
                size -= n;
                if (size == 0) {
                    state = DATA_CR;
                }
                continue;
            }
            byte c = b.get(p++);
            switch (state) {
                case SIZE -> {
                    int d = hex(c);
                    if (d >= 0) {
                        if (++sizeDigits > 15) {
                            state = ERROR;
                        }
                        size = size * 16 + d;
                    } else if (sizeDigits == 0) {
                        state = ERROR;
                    } else if (c == ';' || c == ' ' || c == '\t') {
                        state = SIZE_EXT;
                    } else if (c == '\r') {
                        state = SIZE_LF;
                    } else if (c == '\n') {
                        endOfSizeLine();
                    } else {
                        state = ERROR;
                    }
                }
                case SIZE_EXT -> {
                    if (c == '\n') {
                        endOfSizeLine();
                    }
                }
                case SIZE_LF -> {
                    if (c == '\n') {
                        endOfSizeLine();
                    } else {
                        state = ERROR;
                    }
                }
                case DATA_CR -> state = c == '\r' ? DATA_LF : c == '\n' ? SIZE : ERROR;
                case DATA_LF -> {
                    if (c == '\n') {
                        state = SIZE;
                        size = 0;
                        sizeDigits = 0;
                    } else {
                        state = ERROR;
                    }
                }
                case TRAILER_START -> state = c == '\r' ? FINAL_LF : c == '\n' ? DONE : TRAILER;
                case TRAILER -> {
                    if (c == '\n') {
                        state = TRAILER_START;
                    }
                }
                case FINAL_LF -> state = c == '\n' ? DONE : ERROR;
                default -> state = ERROR;
            }
        }
        return p;
    }

    private void endOfSizeLine() {
        if (size == 0) {
            state = TRAILER_START;
        } else {
            state = DATA;
        }
        sizeDigits = 0;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
