package io.lifeline.proxy.config;

/**
 * The {@code timeout} settings of one proxy section, in milliseconds; 0 means "not set",
 * which for connect/client/server means no timeout, as in HAProxy.
 */
public record Timeouts(long connect, long client, long server, long check, long queue) {

    public static final Timeouts NONE = new Timeouts(0, 0, 0, 0, 0);

    /** HAProxy uses the connect timeout as the queue timeout when none is set. */
    public long effectiveQueue() {
        return queue > 0 ? queue : connect;
    }
}
