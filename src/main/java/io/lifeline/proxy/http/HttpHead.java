package io.lifeline.proxy.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A parsed HTTP/1.x request or response head, held as offsets into a byte array so that
 * parsing allocates nothing. One instance per event loop is reused for every message: the
 * session copies the head bytes in, parses, extracts what it needs and moves on.
 *
 * <p>Only what the proxy needs is interpreted: the start line, framing headers
 * (Content-Length, Transfer-Encoding), Connection, and the offsets of every header so that
 * ACLs, hashing and cookie handling can look values up. Everything else is forwarded as is.
 */
public final class HttpHead {

    public static final int MAX_HEADERS = 100;

    public final byte[] buf;
    public int length;

    // start line: request "METHOD URI HTTP/1.x" or response "HTTP/1.x STATUS REASON"
    public int methodEnd;
    public int uriStart;
    public int uriEnd;
    public int minorVersion;
    public int status;
    public int startLineEnd; // offset just after the start line's line break

    public int headerCount;
    public final int[] nameStart = new int[MAX_HEADERS];
    public final int[] nameEnd = new int[MAX_HEADERS];
    public final int[] valueStart = new int[MAX_HEADERS];
    public final int[] valueEnd = new int[MAX_HEADERS];
    public final int[] lineStart = new int[MAX_HEADERS];
    public final int[] lineEnd = new int[MAX_HEADERS]; // just after the line break
    /** Which well-known header each line is, so rewriting needs no second comparison. */
    public final byte[] kind = new byte[MAX_HEADERS];

    public static final byte K_OTHER = 0;
    public static final byte K_CONTENT_LENGTH = 1;
    public static final byte K_TRANSFER_ENCODING = 2;
    public static final byte K_CONNECTION = 3;
    public static final byte K_KEEP_ALIVE = 4;
    public static final byte K_PROXY_CONNECTION = 5;
    public static final byte K_HOST = 6;
    public static final byte K_COOKIE = 7;

    public long contentLength;
    public boolean chunked;
    /** The Host header's index, or -1. */
    public int hostIndex = -1;
    public boolean connectionClose;
    public boolean connectionKeepAlive;
    public boolean connectionUpgrade;

    private static final byte[] N_CONTENT_LENGTH = ascii("content-length");
    private static final byte[] N_TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] N_CONNECTION = ascii("connection");
    private static final byte[] N_KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] N_PROXY_CONNECTION = ascii("proxy-connection");
    private static final byte[] N_HOST = ascii("host");
    private static final byte[] N_COOKIE = ascii("cookie");

    public HttpHead(int capacity) {
        buf = new byte[capacity];
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Looks for the end of a head (an empty line) in {@code b} between {@code from} and the
     * buffer's limit; returns the offset just after it, or -1. {@code scanned} lets callers
     * resume where the previous search stopped.
     */
    public static int findHeadEnd(ByteBuffer b, int from) {
        int limit = b.limit();
        for (int i = Math.max(from, b.position()); i < limit; i++) {
            if (b.get(i) == '\n') {
                // "\n\n" or "\n\r\n"
                if (i + 1 < limit && b.get(i + 1) == '\n') {
                    return i + 2;
                }
                if (i + 2 < limit && b.get(i + 1) == '\r' && b.get(i + 2) == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** Copies {@code len} bytes from the buffer's position into this head (position unchanged). */
    public void load(ByteBuffer b, int len) {
        b.get(b.position(), buf, 0, len);
        length = len;
    }

    /** Parses a request head; returns null on success or a reason for a 400. */
    public String parseRequest() {
        reset();
        int p = 0;
        // tolerate empty lines before the request line (RFC 9112 2.2)
        while (p < length && (buf[p] == '\r' || buf[p] == '\n')) {
            p++;
        }
        int start = p;
        while (p < length && isTokenChar(buf[p])) {
            p++;
        }
        if (p == start || p >= length || buf[p] != ' ') {
            return "bad request method";
        }
        methodEnd = p;
        methodStart = start;
        uriStart = ++p;
        while (p < length && buf[p] != ' ' && buf[p] != '\r' && buf[p] != '\n') {
            if (buf[p] < 0x21 || buf[p] == 0x7f) {
                return "bad character in request URI";
            }
            p++;
        }
        uriEnd = p;
        if (uriEnd == uriStart || p >= length || buf[p] != ' ') {
            return "bad request line";
        }
        p++;
        int v = parseVersion(p);
        if (v < 0) {
            return "bad HTTP version";
        }
        p += 8;
        int eol = endOfLine(p);
        if (eol < 0 || eol != lineBreakAt(p)) {
            return "bad request line";
        }
        startLineEnd = eol;
        String problem = parseHeaders(eol);
        return problem != null ? problem : checkRequestFraming();
    }

    /**
     * Rules that need the whole head: what an HTTP/1.0 server cannot frame, and a target whose
     * authority disagrees with Host (a request one hop routes by URI and the next by Host).
     * HAProxy answers 400 to each of these.
     */
    private String checkRequestFraming() {
        if (!chunked && transferEncodingSeen()) {
            return "unsupported Transfer-Encoding"; // the last coding is not chunked
        }
        if (minorVersion == 0 && transferEncodingSeen()) {
            return "Transfer-Encoding in an HTTP/1.0 request"; // RFC 9112 6.1
        }
        int authority = absoluteUriAuthorityStart();
        if (authority >= 0 && hostIndex >= 0) {
            int authorityEnd = pathStart();
            if (!sameAuthority(authority, authorityEnd, valueStart[hostIndex], valueEnd[hostIndex])) {
                return "Host header differs from the request target's authority";
            }
        }
        return null;
    }

    private boolean transferEncodingSeen() {
        for (int i = 0; i < headerCount; i++) {
            if (kind[i] == K_TRANSFER_ENCODING) {
                return true;
            }
        }
        return false;
    }

    /** Start of the authority in an absolute-form target ("http://host:port/..."), or -1. */
    private int absoluteUriAuthorityStart() {
        if (uriEnd - uriStart > 7 && buf[uriStart] != '/') {
            for (int i = uriStart; i + 2 < uriEnd; i++) {
                if (buf[i] == ':' && buf[i + 1] == '/' && buf[i + 2] == '/') {
                    return i + 3;
                }
                if (buf[i] == '/' || buf[i] == '?') {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Case-insensitive equality of two authorities, a default port (:80, :443) ignored. */
    private boolean sameAuthority(int as, int ae, int hs, int he) {
        ae = withoutDefaultPort(as, ae);
        he = withoutDefaultPort(hs, he);
        if (ae - as != he - hs) {
            return false;
        }
        for (int j = 0; j < ae - as; j++) {
            if ((buf[as + j] | 0x20) != (buf[hs + j] | 0x20)) {
                return false;
            }
        }
        return true;
    }

    private int withoutDefaultPort(int s, int e) {
        if (e - s > 3 && regionIs(e - 3, ":80")) {
            return e - 3;
        }
        if (e - s > 4 && regionIs(e - 4, ":443")) {
            return e - 4;
        }
        return e;
    }

    /**
     * Whether the start of a request in {@code b} (from its position) already shows it cannot be
     * one: a byte that is no method character before the first space. Lets the proxy answer a
     * TLS hello or binary garbage on a plain port at once instead of after the request timeout.
     */
    public static boolean cannotStartRequest(ByteBuffer b) {
        int p = b.position();
        int limit = b.limit();
        while (p < limit && (b.get(p) == '\r' || b.get(p) == '\n')) {
            p++;
        }
        for (int n = 0; p < limit; p++, n++) {
            byte c = b.get(p);
            if (c == ' ') {
                return n == 0;
            }
            if (!isTokenChar(c)) {
                return true;
            }
        }
        return false;
    }

    public int methodStart;

    /** Parses a response head; returns null on success or a reason for a 502. */
    public String parseResponse() {
        reset();
        int v = parseVersion(0);
        if (v < 0 || length < 12 || buf[8] != ' ') {
            return "bad status line";
        }
        int s = 0;
        for (int i = 9; i < 12; i++) {
            byte c = buf[i];
            if (c < '0' || c > '9') {
                return "bad status code";
            }
            s = s * 10 + (c - '0');
        }
        status = s;
        if (s < 100) {
            return "bad status code";
        }
        int eol = endOfLine(12);
        if (eol < 0) {
            return "bad status line";
        }
        startLineEnd = eol;
        String problem = parseHeaders(eol);
        if (problem == null && !chunked && transferEncodingSeen()) {
            // RFC 9112 6.3 would read such a body until the close; refusing it is stricter and
            // keeps a Content-Length beside it from framing it differently
            return "unsupported Transfer-Encoding";
        }
        return problem;
    }

    private void reset() {
        headerCount = 0;
        contentLength = -1;
        chunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        connectionUpgrade = false;
        status = 0;
        methodStart = 0;
        hostIndex = -1;
    }

    private int parseVersion(int p) {
        if (p + 8 > length || buf[p] != 'H' || buf[p + 1] != 'T' || buf[p + 2] != 'T' || buf[p + 3] != 'P'
                || buf[p + 4] != '/' || buf[p + 5] != '1' || buf[p + 6] != '.') {
            return -1;
        }
        byte minor = buf[p + 7];
        if (minor != '0' && minor != '1') {
            return -1;
        }
        minorVersion = minor - '0';
        return minorVersion;
    }

    /** Offset just after the next line break at or after p, or -1. */
    private int endOfLine(int p) {
        for (int i = p; i < length; i++) {
            if (buf[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** If a line break starts exactly at p, the offset after it; else -2. */
    private int lineBreakAt(int p) {
        if (p < length && buf[p] == '\n') {
            return p + 1;
        }
        if (p + 1 < length && buf[p] == '\r' && buf[p + 1] == '\n') {
            return p + 2;
        }
        return -2;
    }

    private String parseHeaders(int p) {
        while (p < length) {
            if (buf[p] == '\n') {
                return null; // empty line: end of head
            }
            if (buf[p] == '\r' && p + 1 < length && buf[p + 1] == '\n') {
                return null;
            }
            if (buf[p] == ' ' || buf[p] == '\t') {
                return "obsolete header line folding";
            }
            if (headerCount == MAX_HEADERS) {
                return "too many headers";
            }
            int i = headerCount;
            lineStart[i] = p;
            nameStart[i] = p;
            while (p < length && buf[p] != ':') {
                if (!isTokenChar(buf[p])) {
                    return "bad header name";
                }
                p++;
            }
            if (p >= length || p == nameStart[i]) {
                return "bad header line";
            }
            nameEnd[i] = p;
            p++;
            while (p < length && (buf[p] == ' ' || buf[p] == '\t')) {
                p++;
            }
            valueStart[i] = p;
            int eol = endOfLine(p);
            if (eol < 0) {
                return "truncated header";
            }
            int ve = eol - 1;
            if (ve > p && buf[ve - 1] == '\r') {
                ve--;
            }
            while (ve > valueStart[i] && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
                ve--;
            }
            if (!isFieldValue(valueStart[i], ve)) {
                // RFC 9110 5.5: NUL, a bare CR or another control character in a value is an
                // error, never something to forward (a CR may end the line for one parser and
                // not for the next)
                return "bad character in header value";
            }
            valueEnd[i] = ve;
            lineEnd[i] = eol;
            headerCount++;
            String problem = classify(i);
            if (problem != null) {
                return problem;
            }
            p = eol;
        }
        return "truncated head";
    }

    private String classify(int i) {
        int ns = nameStart[i];
        int nl = nameEnd[i] - ns;
        byte k = K_OTHER;
        switch (nl) {
            case 4 -> k = nameIs(ns, nl, N_HOST) ? K_HOST : K_OTHER;
            case 6 -> k = nameIs(ns, nl, N_COOKIE) ? K_COOKIE : K_OTHER;
            case 10 -> k = nameIs(ns, nl, N_CONNECTION) ? K_CONNECTION : nameIs(ns, nl, N_KEEP_ALIVE) ? K_KEEP_ALIVE : K_OTHER;
            case 14 -> k = nameIs(ns, nl, N_CONTENT_LENGTH) ? K_CONTENT_LENGTH : K_OTHER;
            case 16 -> k = nameIs(ns, nl, N_PROXY_CONNECTION) ? K_PROXY_CONNECTION : K_OTHER;
            case 17 -> k = nameIs(ns, nl, N_TRANSFER_ENCODING) ? K_TRANSFER_ENCODING : K_OTHER;
            default -> {
            }
        }
        kind[i] = k;
        switch (k) {
            case K_CONTENT_LENGTH -> {
                long n = 0;
                int vs = valueStart[i];
                int ve = valueEnd[i];
                if (vs == ve) {
                    return "empty Content-Length";
                }
                for (int j = vs; j < ve; j++) {
                    byte c = buf[j];
                    if (c < '0' || c > '9' || n > (Long.MAX_VALUE - 9) / 10) {
                        return "bad Content-Length";
                    }
                    n = n * 10 + (c - '0');
                }
                if (contentLength >= 0 && contentLength != n) {
                    return "conflicting Content-Length headers";
                }
                contentLength = n;
            }
            case K_TRANSFER_ENCODING -> {
                String problem = scanTransferCodings(valueStart[i], valueEnd[i]);
                if (problem != null) {
                    return problem;
                }
            }
            case K_HOST -> {
                if (hostIndex >= 0) {
                    return "more than one Host header"; // RFC 9112 3.2
                }
                hostIndex = i;
            }
            case K_CONNECTION, K_PROXY_CONNECTION -> scanConnectionTokens(valueStart[i], valueEnd[i]);
            default -> {
            }
        }
        return null;
    }

    /**
     * Transfer-Encoding is a list over all its header lines; only a list that ends with exactly
     * the coding "chunked", applied once, can be framed (RFC 9112 6.1, 6.3). "xchunked",
     * "chunked, gzip" or "chunked" twice would frame the body differently in the next hop.
     */
    private String scanTransferCodings(int vs, int ve) {
        int p = vs;
        boolean any = false;
        while (p < ve) {
            while (p < ve && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == ',')) {
                p++;
            }
            if (p == ve) {
                break;
            }
            int s = p;
            while (p < ve && buf[p] != ',' && buf[p] != ';' && buf[p] != ' ' && buf[p] != '\t') {
                p++;
            }
            int e = p;
            while (p < ve && buf[p] != ',') {
                p++; // transfer parameters and whitespace belong to the coding just read
            }
            any = true;
            if (chunked) {
                return "Transfer-Encoding after chunked"; // chunked must be the last coding, once
            }
            if (e - s == 7 && regionIs(s, "chunked")) {
                chunked = true;
            }
        }
        if (!any) {
            return "empty Transfer-Encoding";
        }
        return null;
    }

    /** Whether buf[from, to) holds only visible characters, spaces and tabs (RFC 9110 5.5). */
    private boolean isFieldValue(int from, int to) {
        for (int j = from; j < to; j++) {
            int c = buf[j] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private void scanConnectionTokens(int vs, int ve) {
        int p = vs;
        while (p < ve) {
            while (p < ve && (buf[p] == ' ' || buf[p] == ',' || buf[p] == '\t')) {
                p++;
            }
            int s = p;
            while (p < ve && buf[p] != ',' && buf[p] != ' ' && buf[p] != '\t') {
                p++;
            }
            int len = p - s;
            if (len == 5 && regionIs(s, "close")) {
                connectionClose = true;
            } else if (len == 10 && regionIs(s, "keep-alive")) {
                connectionKeepAlive = true;
            } else if (len == 7 && regionIs(s, "upgrade")) {
                connectionUpgrade = true;
            }
        }
    }

    private boolean nameIs(int start, int len, byte[] lowerName) {
        for (int j = 0; j < len; j++) {
            if ((buf[start + j] | 0x20) != lowerName[j]) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive comparison of buf[start..] with a lower-case ASCII word. */
    public boolean regionIs(int start, String lowerWord) {
        if (start + lowerWord.length() > length) {
            return false;
        }
        for (int j = 0; j < lowerWord.length(); j++) {
            int c = buf[start + j];
            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }
            if (c != lowerWord.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first header named {@code lowerName} (lower-case bytes), or -1. */
    public int findHeader(byte[] lowerName) {
        for (int i = 0; i < headerCount; i++) {
            int ns = nameStart[i];
            int nl = nameEnd[i] - ns;
            if (nl == lowerName.length && nameIs(ns, nl, lowerName)) {
                return i;
            }
        }
        return -1;
    }

    public boolean isKeepAliveRequested() {
        return minorVersion == 1 ? !connectionClose : connectionKeepAlive && !connectionClose;
    }

    public boolean methodIs(String upper) {
        int len = methodEnd - methodStart;
        if (len != upper.length()) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            if (buf[methodStart + j] != upper.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** Whether replaying the request on a fresh connection is safe (RFC 9110 9.2.2). */
    public boolean isIdempotent() {
        return methodIs("GET") || methodIs("HEAD") || methodIs("PUT") || methodIs("DELETE") || methodIs("OPTIONS")
                || methodIs("TRACE");
    }

    /** End of the URI's path: the '?' or the end of the URI. */
    public int pathEnd() {
        for (int i = uriStart; i < uriEnd; i++) {
            if (buf[i] == '?') {
                return i;
            }
        }
        return uriEnd;
    }

    /**
     * Start of the URI's path; skips "scheme://authority" for absolute-form URIs so that ACLs
     * see "/x" for both "GET /x" and "GET http://host/x".
     */
    public int pathStart() {
        int authority = absoluteUriAuthorityStart();
        if (authority < 0) {
            return uriStart;
        }
        for (int j = authority; j < uriEnd; j++) {
            if (buf[j] == '/' || buf[j] == '?') {
                return j;
            }
        }
        return uriEnd;
    }

    public String string(int start, int end) {
        return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static boolean isTokenChar(byte c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != ',' && c != '/' && c != ':' && c != ';'
                && c != '<' && c != '=' && c != '>' && c != '?' && c != '@' && c != '[' && c != '\\' && c != ']'
                && c != '{' && c != '}' && c != '"';
    }
}
