package io.lifeline.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.x client over one socket, to control exactly what goes on the wire. */
public final class RawHttp implements AutoCloseable {

    public record Response(int status, String statusLine, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    public RawHttp(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public void send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /**
     * Sends {@code chunks} chunks of 1..{@code maxChunk} random bytes, each size line followed
     * by {@code extension}, then the last chunk; returns the body that was sent.
     */
    public byte[] sendRandomChunks(java.util.Random rnd, int chunks, int maxChunk, String extension) throws IOException {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
            byte[] chunk = new byte[1 + rnd.nextInt(maxChunk)];
            rnd.nextBytes(chunk);
            whole.write(chunk);
            send(Integer.toHexString(chunk.length) + extension + "\r\n");
            send(chunk);
            send("\r\n");
        }
        send("0\r\n\r\n");
        return whole.toByteArray();
    }

    /** Reads one response; a HEAD request's response has no body whatever its headers say. */
    public Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            String name = l.substring(0, c).trim().toLowerCase(Locale.ROOT);
            String value = l.substring(c + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head || status == 204 || status == 304 || status < 200) {
            return new Response(status, statusLine, headers, body.toByteArray());
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                String sizeLine = line();
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(size));
                line();
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, statusLine, headers, body.toByteArray());
    }

    public Response read() throws IOException {
        return read(false);
    }

    /** True when the server has closed the connection (reads EOF within the timeout). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
