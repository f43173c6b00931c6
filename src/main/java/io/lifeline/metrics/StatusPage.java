package io.lifeline.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The live status page on the daemon's HTTP listener (ha.cf {@code http_listen}), the web
 * counterpart of {@code hactl status --watch} and Pacemaker's crm_mon: {@code /} is a page whose
 * script polls {@code /status.json} (the document of {@code hactl status --json},
 * docs/status-json.md) and {@code /events.json} (the newest {@link #EVENTS} events) every second
 * and redraws nodes, links, groups, failcounts and events. Reading needs no authentication beyond
 * where the admin lets the listener listen; the operator actions (standby, online, failover,
 * cleanup) are {@link OperatorActions}', off unless ha.cf says {@code http_auth}.
 *
 * <p>The page and its script are files of the jar, served as they are; the script writes every
 * value as text (never as HTML), and the responses forbid everything but the page's own origin
 * (Content-Security-Policy), so a group or node name cannot inject anything into the page.
 */
public final class StatusPage {

    /** How many of the newest events /events.json returns. */
    public static final int EVENTS = 30;

    /** A JSON document read from the daemon; a timeout becomes 503 for this one request. */
    @FunctionalInterface
    public interface JsonSource {
        JsonNode json() throws TimeoutException;
    }

    // a static body served as it is; never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    private record Asset(String contentType, byte[] body) {
    }

    private static final String SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self';"
            // the operator buttons must not be framed by another site (clickjacking), and the login
            // form never submits natively (its script posts JSON; a native submit would put the
            // password in a URL)
            + " frame-ancestors 'none'; form-action 'none'";

    private final JsonSource status;
    private final JsonSource events;
    private final OperatorActions actions;
    /** Read from the jar on the first request: a daemon without http_listen never reads them. */
    private Map<String, Asset> assets;

    /** A read-only page. */
    public StatusPage(JsonSource status, JsonSource events) {
        this(status, events, OperatorActions.off());
    }

    public StatusPage(JsonSource status, JsonSource events, OperatorActions actions) {
        this.status = status;
        this.events = events;
        this.actions = actions;
    }

    private synchronized Map<String, Asset> assets() {
        if (assets == null) {
            assets = Map.of(
                    "/", asset("status.html", "text/html; charset=utf-8"),
                    "/status.js", asset("status.js", "text/javascript; charset=utf-8"),
                    "/status.css", asset("status.css", "text/css; charset=utf-8"));
        }
        return assets;
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks io/lifeline/metrics/" + name);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers the request if its path is one of the page's; false otherwise (then nothing was sent). */
    boolean handle(HttpExchange exchange) throws IOException {
        if (actions.handle(exchange)) {
            return true;
        }
        String path = exchange.getRequestURI().getPath();
        Asset asset = assets().get(path);
        if (asset != null) {
            send(exchange, 200, asset.contentType(), asset.body());
            return true;
        }
        JsonSource source = switch (path) {
            case "/status.json" -> status;
            case "/events.json" -> events;
            default -> null;
        };
        if (source == null) {
            return false;
        }
        JsonNode doc;
        try {
            doc = source.json();
        } catch (TimeoutException e) {
            send(exchange, 503, "text/plain; charset=utf-8",
                    "the daemon did not answer in time\n".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        send(exchange, 200, "application/json", doc.toString().getBytes(StandardCharsets.UTF_8));
        return true;
    }

    static void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Content-Security-Policy", SECURITY_POLICY);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
