package io.lifeline.ipvs.config;

import java.util.List;

/**
 * One {@code url { path P; status_code ... }} of an HTTP_GET check.
 *
 * @param virtualHost the Host header, empty for the checked address
 */
public record UrlSpec(String path, List<StatusRange> statusCodes, String virtualHost) {

    public UrlSpec {
        statusCodes = List.copyOf(statusCodes);
    }

    public boolean accepts(int status) {
        return statusCodes.stream().anyMatch(r -> r.contains(status));
    }
}
