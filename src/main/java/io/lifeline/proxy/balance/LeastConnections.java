package io.lifeline.proxy.balance;

import java.util.List;

/**
 * HAProxy's leastconn: the server with the fewest active requests relative to its weight;
 * among equals, servers take turns (the search starts one further on each pick), so idle
 * servers share light traffic evenly.
 */
public final class LeastConnections<S extends Candidate> implements Balancer<S> {

    private List<S> servers = List.of();
    private int start;

    @Override
    public synchronized void setServers(List<S> servers) {
        this.servers = List.copyOf(servers);
        start = 0;
    }

    @Override
    public synchronized S pick(long hash, S exclude) {
        int n = servers.size();
        S best = null;
        long bestActive = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
            S s = servers.get((start + k) % n);
            if (s == exclude || !s.hasFreeSlot()) {
                continue;
            }
            long a = s.activeRequests();
            long w = s.weight();
            // a/w < bestActive/bestWeight, compared without division
            if (best == null || a * bestWeight < bestActive * w) {
                best = s;
                bestActive = a;
                bestWeight = w;
            }
        }
        if (n > 0) {
            start = (start + 1) % n;
        }
        return best;
    }
}
