package io.lifeline.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpFramingTest {

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void chunkedFramingFindsTheEndAcrossArbitrarySplits() {
        String body = "5;name=v\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT";
        int end = body.indexOf("NEXT");
        for (int split = 0; split <= end; split++) {
            ChunkedFraming f = new ChunkedFraming();
            f.reset();
            ByteBuffer all = buf(body);
            all.limit(split);
            int p = f.scan(all, 0);
            assertFalse(f.isDone() && split < end, "not done before the end (split " + split + ")");
            all.limit(body.length());
            p = f.scan(all, p);
            assertTrue(f.isDone(), "split " + split);
            assertEquals(end, p, "split " + split);
        }
    }

    @Test
    void chunkedFramingRejectsGarbage() {
        ChunkedFraming f = new ChunkedFraming();
        f.reset();
        f.scan(buf("zz\r\n"), 0);
        assertTrue(f.isError());
        f.reset();
        f.scan(buf("3\r\nabcX"), 0);
        assertTrue(f.isError());
    }

    @Test
    void parsesRequestHeadsAndFraming() {
        HttpHead h = new HttpHead(4096);
        String req = "POST http://example.com/a/b?c=d HTTP/1.1\r\nHost: example.com\r\nContent-Length: 12\r\n"
                + "Connection: keep-alive, Upgrade\r\nCookie: a=1\r\n\r\n";
        ByteBuffer b = buf(req);
        assertEquals(req.length(), HttpHead.findHeadEnd(b, 0));
        h.load(b, req.length());
        assertNull(h.parseRequest());
        assertTrue(h.methodIs("POST"));
        assertEquals("/a/b", h.string(h.pathStart(), h.pathEnd()));
        assertEquals(12, h.contentLength);
        assertTrue(h.connectionKeepAlive && h.connectionUpgrade && !h.connectionClose);
        assertEquals(HttpHead.K_COOKIE, h.kind[3]);
        assertFalse(h.isIdempotent());
    }

    @Test
    void rejectsAmbiguousFraming() {
        HttpHead h = new HttpHead(4096);
        String req = "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
        h.load(buf(req), req.length());
        assertEquals("conflicting Content-Length headers", h.parseRequest());
        req = "GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n";
        h.load(buf(req), req.length());
        assertEquals("unsupported Transfer-Encoding", h.parseRequest());
        req = "GET / HTTP/2.0\r\n\r\n";
        h.load(buf(req), req.length());
        assertEquals("bad HTTP version", h.parseRequest());
    }

    private static String parse(String req) {
        HttpHead h = new HttpHead(4096);
        h.load(buf(req), req.length());
        return h.parseRequest();
    }

    /** Request heads that frame or route differently from one hop to the next: HAProxy answers 400. */
    @Test
    void rejectsSmugglingShapes() {
        assertEquals("unsupported Transfer-Encoding",
                parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n"));
        assertEquals("unsupported Transfer-Encoding",
                parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip-chunked\r\n\r\n"));
        assertEquals("Transfer-Encoding after chunked",
                parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"));
        assertEquals("Transfer-Encoding after chunked",
                parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals("Transfer-Encoding in an HTTP/1.0 request",
                parse("POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals("bad character in header value", parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"));
        assertEquals("bad character in header value", parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"));
        assertEquals("more than one Host header", parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        assertEquals("Host header differs from the request target's authority",
                parse("GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n"));
    }

    @Test
    void acceptsTheRegularFormsOfTheSameHeaders() {
        assertNull(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"));
        assertNull(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: x\ty \u00e9\r\n\r\n"));
        assertNull(parse("GET http://A.example:80/x HTTP/1.1\r\nHost: a.example\r\n\r\n"));
        assertNull(parse("GET http://a.example:8080/x HTTP/1.1\r\nHost: a.example:8080\r\n\r\n"));
        assertNull(parse("GET /x HTTP/1.0\r\n\r\n"));
    }

    @Test
    void seesAtOnceWhatCannotStartARequest() {
        assertTrue(HttpHead.cannotStartRequest(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00})));
        assertTrue(HttpHead.cannotStartRequest(buf(" GET")));
        assertTrue(HttpHead.cannotStartRequest(buf("GE\0T")));
        assertFalse(HttpHead.cannotStartRequest(buf("\r\nGE")));
        assertFalse(HttpHead.cannotStartRequest(buf("GET /partial")));
        assertFalse(HttpHead.cannotStartRequest(buf("")));
    }

    @Test
    void parsesResponseHeads() {
        HttpHead h = new HttpHead(4096);
        String res = "HTTP/1.0 304 Not Modified\r\nConnection: Keep-Alive\r\n\r\n";
        h.load(buf(res), res.length());
        assertNull(h.parseResponse());
        assertEquals(304, h.status);
        assertEquals(0, h.minorVersion);
        assertTrue(h.connectionKeepAlive);
    }
}
