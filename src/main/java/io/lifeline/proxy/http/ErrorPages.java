package io.lifeline.proxy.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The responses the proxy produces itself, worded like HAProxy's so that monitoring and users
 * see familiar pages. They always close the connection, as HAProxy's do.
 */
public final class ErrorPages {

    private ErrorPages() {
    }

    public static final byte[] BAD_REQUEST = page(400, "Bad request", "Your browser sent an invalid request.");
    public static final byte[] REQUEST_TIMEOUT = page(408, "Request Time-out", "Your browser didn't send a complete request in time.");
    public static final byte[] NOT_IMPLEMENTED = page(501, "Not Implemented", "The server does not support the functionality required to fulfill the request.");
    public static final byte[] BAD_GATEWAY = page(502, "Bad Gateway", "The server returned an invalid or incomplete response.");
    public static final byte[] SERVICE_UNAVAILABLE = page(503, "Service Unavailable", "No server is available to handle this request.");
    public static final byte[] GATEWAY_TIMEOUT = page(504, "Gateway Time-out", "The server didn't respond in time.");

    /** The status code of a canned page, for counters. */
    public static int status(byte[] page) {
        return (page[9] - '0') * 100 + (page[10] - '0') * 10 + (page[11] - '0');
    }

    public static ByteBuffer buffer(byte[] page) {
        return ByteBuffer.wrap(page).asReadOnlyBuffer();
    }

    static byte[] page(int code, String reason, String text) {
        String body = "<html><body><h1>" + code + " " + reason + "</h1>\n" + text + "\n</body></html>\n";
        String head = "HTTP/1.1 " + code + " " + reason + "\r\n"
                + "content-length: " + body.length() + "\r\n"
                + "cache-control: no-cache\r\n"
                + "content-type: text/html\r\n"
                + "connection: close\r\n\r\n";
        return (head + body).getBytes(StandardCharsets.ISO_8859_1);
    }
}
