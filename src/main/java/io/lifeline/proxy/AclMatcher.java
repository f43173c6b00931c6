package io.lifeline.proxy;

import io.lifeline.proxy.config.AclConfig;
import io.lifeline.proxy.http.HttpHead;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One {@code acl} line compiled for matching against a parsed request head without allocation. */
final class AclMatcher {

    private final AclConfig.Criterion criterion;
    private final byte[] header;
    private final boolean ignoreCase;
    private final byte[][] values;

    AclMatcher(AclConfig acl) {
        this.criterion = acl.criterion();
        this.header = acl.header() == null ? null : acl.header().getBytes(StandardCharsets.ISO_8859_1);
        this.ignoreCase = acl.ignoreCase();
        this.values = new byte[acl.values().size()][];
        for (int i = 0; i < values.length; i++) {
            String v = acl.values().get(i);
            values[i] = (ignoreCase ? v.toLowerCase(Locale.ROOT) : v).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    boolean matches(HttpHead h) {
        return switch (criterion) {
            case PATH, PATH_BEG, PATH_END, PATH_SUB -> matchAny(h.buf, h.pathStart(), h.pathEnd());
            case METHOD -> matchAny(h.buf, h.methodStart, h.methodEnd);
            case HDR, HDR_BEG, HDR_END, HDR_SUB -> {
                for (int i = 0; i < h.headerCount; i++) {
                    int ns = h.nameStart[i];
                    if (h.nameEnd[i] - ns == header.length && h.regionIs(ns, headerString())
                            && matchAny(h.buf, h.valueStart[i], h.valueEnd[i])) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    private String headerName;

    private String headerString() {
        if (headerName == null) {
            headerName = new String(header, StandardCharsets.ISO_8859_1);
        }
        return headerName;
    }

    private boolean matchAny(byte[] b, int from, int to) {
        for (byte[] v : values) {
            if (match(b, from, to, v)) {
                return true;
            }
        }
        return false;
    }

    private boolean match(byte[] b, int from, int to, byte[] v) {
        int len = to - from;
        return switch (criterion) {
            case PATH, HDR, METHOD -> len == v.length && equalAt(b, from, v);
            case PATH_BEG, HDR_BEG -> len >= v.length && equalAt(b, from, v);
            case PATH_END, HDR_END -> len >= v.length && equalAt(b, to - v.length, v);
            case PATH_SUB, HDR_SUB -> {
                for (int i = from; i + v.length <= to; i++) {
                    if (equalAt(b, i, v)) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    private boolean equalAt(byte[] b, int at, byte[] v) {
        for (int j = 0; j < v.length; j++) {
            int c = b[at + j];
            if (ignoreCase && c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }
            if (c != v[j]) {
                return false;
            }
        }
        return true;
    }
}
