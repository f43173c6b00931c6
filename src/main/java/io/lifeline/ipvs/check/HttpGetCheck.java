package io.lifeline.ipvs.check;

import io.lifeline.ipvs.config.CheckSpec;
import io.lifeline.ipvs.config.UrlSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP_GET: every url answers with an accepted status. One HTTP/1.0 request per url on its
 * own connection ({@code Connection: close}); only the status line is read. The connect
 * timeout bounds the connection and, again, the wait for the status line, as keepalived's
 * does.
 */
public final class HttpGetCheck implements HealthCheck {

    private static final int MAX_STATUS_LINE = 8192;

    private final CheckSpec.HttpGet spec;

    public HttpGetCheck(CheckSpec.HttpGet spec) {
        this.spec = spec;
    }

    @Override
    public String describe() {
        return "HTTP_GET " + spec.target();
    }

    @Override
    public CheckResult run() {
        for (UrlSpec url : spec.urls()) {
            CheckResult r = get(url);
            if (!r.passed()) {
                return r;
            }
        }
        return CheckResult.pass(spec.urls().size() == 1 ? "HTTP ok for " + spec.urls().get(0).path() : "HTTP ok");
    }

    private CheckResult get(UrlSpec url) {
        int timeout = Sockets.millis(spec.timing().connectTimeout());
        try (Socket s = new Socket()) {
            s.setSoLinger(true, 0);
            if (spec.bindTo().isPresent()) {
                s.bind(new InetSocketAddress(spec.bindTo().get(), 0));
            }
            s.connect(new InetSocketAddress(spec.target().address(), spec.target().port()), timeout);
            s.setSoTimeout(timeout);
            String host = url.virtualHost().isEmpty() ? hostHeader() : url.virtualHost();
            String request = "GET " + url.path() + " HTTP/1.0\r\nHost: " + host
                    + "\r\nUser-Agent: lifeline-ipvs-check\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = statusLine(s.getInputStream());
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                return CheckResult.fail("not an HTTP response for " + url.path() + ": '" + printable(line) + "'");
            }
            int status = Integer.parseInt(parts[1]);
            if (!url.accepts(status)) {
                return CheckResult.fail("HTTP " + status + " for " + url.path() + " (expected " + url.statusCodes() + ")");
            }
            return CheckResult.pass("HTTP " + status + " for " + url.path());
        } catch (SocketTimeoutException e) {
            return CheckResult.fail("no answer within " + spec.timing().connectTimeout().toMillis() + " ms for " + url.path());
        } catch (IOException e) {
            return CheckResult.fail(Sockets.reason(e));
        }
    }

    private String hostHeader() {
        String h = spec.target().host();
        h = spec.target().isIpv6() ? "[" + h + "]" : h;
        return spec.target().port() == 80 ? h : h + ":" + spec.target().port();
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (sb.length() >= MAX_STATUS_LINE) {
                break;
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        if (sb.length() == 0 && c < 0) {
            throw new IOException("connection closed before any response");
        }
        return sb.toString();
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
