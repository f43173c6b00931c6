package io.lifeline.proxy.balance;

import io.lifeline.proxy.config.Balance;
import java.util.List;

/**
 * Chooses a server among the eligible ones of a backend. The backend calls
 * {@link #setServers} whenever the eligible set changes (a server going up or down), so
 * algorithms adapt at once. Implementations are thread-safe (event loops share them).
 */
public interface Balancer<S extends Candidate> {

    /** Replaces the eligible servers (usable, positive weight), in configuration order. */
    void setServers(List<S> servers);

    /**
     * Picks a server other than {@code exclude}; null when there is none. Round-robin and
     * leastconn skip servers at their maxconn; hashing algorithms return the hashed server
     * even when full, so that its requests wait for it in the queue instead of moving.
     *
     * @param hash the request's hash for hashing algorithms (source, uri, hdr), or
     *        {@link #NO_HASH} when there is nothing to hash (hdr() falls back to round robin)
     */
    S pick(long hash, S exclude);

    long NO_HASH = Long.MIN_VALUE;

    static <S extends Candidate> Balancer<S> create(Balance balance) {
        return switch (balance.algorithm()) {
            case ROUNDROBIN -> new RoundRobin<>();
            case STATIC_RR -> new StaticRoundRobin<>();
            case LEASTCONN -> new LeastConnections<>();
            case SOURCE, URI, HDR -> new MapBasedHash<>();
        };
    }
}
