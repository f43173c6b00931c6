package io.lifeline.ipvs.config;

/** An HTTP status code or range, as keepalived's {@code status_code 200-299 301}. */
public record StatusRange(int from, int to) {

    public boolean contains(int code) {
        return code >= from && code <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
