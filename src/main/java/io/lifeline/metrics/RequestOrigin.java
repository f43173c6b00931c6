package io.lifeline.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a request that would change something (a login, an operator action) comes from the
 * status page itself and not from another site the admin's browser has open (cross-site request
 * forgery). Each rule alone stops the classic attacks; together they also hold where one browser
 * lacks one of them:
 * <ul>
 * <li>POST only: no link, image or redirect can trigger an action;</li>
 * <li>{@code Content-Type: application/json}: a cross-site HTML form cannot send it, and a
 *     cross-site script cannot without a CORS preflight, which this listener never approves;</li>
 * <li>{@code Origin} present and equal to the page's own ({@code http(s)://} + {@code Host}):
 *     browsers send it on every POST;</li>
 * <li>{@code Sec-Fetch-Site}, when the browser sends it, is {@code same-origin}.</li>
 * </ul>
 * The session cookie (SameSite=Strict) and its token ({@link Sessions}) come on top.
 */
final class RequestOrigin {

    private RequestOrigin() {
    }

    /**
     * Why the request is refused, or empty when it may go on. Header values are as received
     * (null when absent).
     */
    static Optional<String> refusal(String method, String contentType, String origin, String fetchSite, String host) {
        if (!"POST".equals(method)) {
            return Optional.of("only POST may change anything");
        }
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin")) {
            return Optional.of("Sec-Fetch-Site is '" + fetchSite + "', not same-origin");
        }
        if (origin == null || origin.isBlank()) {
            return Optional.of("no Origin header");
        }
        if (host == null || host.isBlank()) {
            return Optional.of("no Host header");
        }
        String o = origin.strip().toLowerCase(Locale.ROOT);
        String h = host.strip().toLowerCase(Locale.ROOT);
        // a TLS reverse proxy in front keeps the Host and makes the origin https
        if (!o.equals("http://" + h) && !o.equals("https://" + h)) {
            return Optional.of("Origin " + origin + " is not this page's (" + host + ")");
        }
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            return Optional.of("the body must be application/json");
        }
        return Optional.empty();
    }
}
