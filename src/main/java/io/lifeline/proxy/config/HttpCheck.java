package io.lifeline.proxy.config;

/**
 * {@code option httpchk} and {@code http-check expect status}: the request a health check
 * sends and the status it expects.
 *
 * @param expectStatus the exact status required, or 0 for HAProxy's default (any 2xx or 3xx)
 */
public record HttpCheck(String method, String uri, String version, int expectStatus) {

    public static final HttpCheck DEFAULT = new HttpCheck("OPTIONS", "/", "HTTP/1.0", 0);

    public boolean accepts(int status) {
        return expectStatus == 0 ? status >= 200 && status < 400 : status == expectStatus;
    }
}
