package io.lifeline.proxy.balance;

import java.util.ArrayList;
import java.util.List;

/**
 * HAProxy's static-rr: a fixed sequence in which each server appears as often as its weight
 * (interleaved), walked in turn. Cheaper than roundrobin per pick; weights are read when the
 * server set changes.
 */
public final class StaticRoundRobin<S extends Candidate> implements Balancer<S> {

    private List<S> sequence = List.of();
    private int next;

    @Override
    public synchronized void setServers(List<S> servers) {
        RoundRobin<S> smooth = new RoundRobin<>();
        smooth.setServers(servers);
        int total = 0;
        for (S s : servers) {
            total += s.weight();
        }
        List<S> seq = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            seq.add(smooth.pickIgnoringSlots());
        }
        sequence = seq;
        next = 0;
    }

    @Override
    public synchronized S pick(long hash, S exclude) {
        int n = sequence.size();
        for (int i = 0; i < n; i++) {
            S s = sequence.get(next);
            next = next + 1 == n ? 0 : next + 1;
            if (s != exclude && s.hasFreeSlot()) {
                return s;
            }
        }
        return null;
    }
}
