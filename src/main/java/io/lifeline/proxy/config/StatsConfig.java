package io.lifeline.proxy.config;

import java.util.List;

/**
 * The {@code stats} settings of one section.
 *
 * @param credentials {@code user:password} pairs accepted by HTTP Basic auth; empty means no auth
 * @param refreshMillis 0 for no automatic refresh
 */
public record StatsConfig(boolean enabled, String uri, List<String> credentials, long refreshMillis, String realm) {

    public static final StatsConfig DISABLED = new StatsConfig(false, "/haproxy?stats", List.of(), 0, "HAProxy Statistics");

    public StatsConfig {
        credentials = List.copyOf(credentials);
    }

    @Override
    public String toString() {
        // credentials are secrets: never print them
        return "StatsConfig[enabled=" + enabled + ", uri=" + uri + ", auth=" + !credentials.isEmpty()
                + ", refreshMillis=" + refreshMillis + "]";
    }
}
