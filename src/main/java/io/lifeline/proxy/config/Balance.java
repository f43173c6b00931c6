package io.lifeline.proxy.config;

/**
 * A {@code balance} line: the algorithm and, for {@code hdr(NAME)}, the header it hashes.
 *
 * @param header lower-case header name for {@link Algorithm#HDR}, otherwise null
 */
public record Balance(Algorithm algorithm, String header) {

    public enum Algorithm { ROUNDROBIN, STATIC_RR, LEASTCONN, SOURCE, URI, HDR }

    public static final Balance DEFAULT = new Balance(Algorithm.ROUNDROBIN, null);

    @Override
    public String toString() {
        return switch (algorithm) {
            case ROUNDROBIN -> "roundrobin";
            case STATIC_RR -> "static-rr";
            case LEASTCONN -> "leastconn";
            case SOURCE -> "source";
            case URI -> "uri";
            case HDR -> "hdr(" + header + ")";
        };
    }
}
