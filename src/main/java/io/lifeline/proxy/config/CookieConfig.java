package io.lifeline.proxy.config;

/**
 * {@code cookie NAME insert [indirect] [nocache]}: the proxy inserts {@code NAME=SERVER-COOKIE}
 * into responses and later routes requests carrying it to that server. {@code indirect} strips
 * the cookie from requests and skips re-inserting it when the client already has the right one;
 * {@code nocache} marks responses carrying the cookie as private.
 */
public record CookieConfig(String name, boolean indirect, boolean nocache) {
}
