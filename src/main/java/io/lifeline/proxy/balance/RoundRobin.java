package io.lifeline.proxy.balance;

import java.util.List;

/**
 * Weighted round robin that spreads each server's turns evenly (smooth weighted round robin:
 * every pick adds each server's weight to its credit, takes the server with the most credit,
 * and charges it the total). Like HAProxy's roundrobin it is dynamic: a change in the server
 * set takes effect on the next pick. Full or excluded servers are skipped for this pick.
 */
public final class RoundRobin<S extends Candidate> implements Balancer<S> {

    private List<S> servers = List.of();
    private long[] credit = new long[0];

    @Override
    public synchronized void setServers(List<S> servers) {
        // credits restart from zero: carried-over credit of a removed server would skew the
        // shares of the others for a whole cycle
        this.servers = List.copyOf(servers);
        this.credit = new long[servers.size()];
    }

    @Override
    public synchronized S pick(long hash, S exclude) {
        int best = -1;
        long total = 0;
        for (int i = 0; i < servers.size(); i++) {
            S s = servers.get(i);
            if (s == exclude || !s.hasFreeSlot()) {
                continue;
            }
            int w = s.weight();
            credit[i] += w;
            total += w;
            if (best < 0 || credit[i] > credit[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        credit[best] -= total;
        return servers.get(best);
    }

    /** One smooth-weighted step over all servers, used to lay out static-rr's sequence. */
    synchronized S pickIgnoringSlots() {
        int best = -1;
        long total = 0;
        for (int i = 0; i < servers.size(); i++) {
            credit[i] += servers.get(i).weight();
            total += servers.get(i).weight();
            if (best < 0 || credit[i] > credit[best]) {
                best = i;
            }
        }
        credit[best] -= total;
        return servers.get(best);
    }
}
