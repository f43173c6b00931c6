package io.lifeline.proxy.balance;

import java.util.ArrayList;
import java.util.List;

/**
 * HAProxy's default "map-based" hashing for balance source, uri and hdr(): each server takes
 * as many slots of a table as its weight and the request's hash modulo the table size picks
 * the slot. A given key always reaches the same server while the set of servers is unchanged.
 * When the hashed server is excluded (a redispatch) the next different slot is used; when there
 * is nothing to hash, round robin is used, as HAProxy does for a missing header.
 */
public final class MapBasedHash<S extends Candidate> implements Balancer<S> {

    private List<S> table = List.of();
    private final RoundRobin<S> fallback = new RoundRobin<>();

    @Override
    public synchronized void setServers(List<S> servers) {
        List<S> t = new ArrayList<>();
        for (S s : servers) {
            for (int i = 0; i < s.weight(); i++) {
                t.add(s);
            }
        }
        table = t;
        fallback.setServers(servers);
    }

    @Override
    public synchronized S pick(long hash, S exclude) {
        if (hash == NO_HASH) {
            return fallback.pick(hash, exclude);
        }
        int n = table.size();
        if (n == 0) {
            return null;
        }
        int slot = (int) Long.remainderUnsigned(hash, n);
        S s = table.get(slot);
        if (s != exclude) {
            // a full server keeps its hashed requests: they wait for a slot, as in HAProxy
            return s;
        }
        for (int k = 1; k < n; k++) {
            S other = table.get((slot + k) % n);
            if (other != exclude) {
                return other;
            }
        }
        return null;
    }

    /** HAProxy's sdbm hash over bytes, then mixed so that close keys spread well. */
    public static long hash(byte[] b, int from, int to) {
        long h = 0;
        for (int i = from; i < to; i++) {
            h = (b[i] & 0xff) + (h << 6) + (h << 16) - h;
        }
        return mix(h);
    }

    /** Full avalanche (from Thomas Wang's 64-bit mix) so modulo small tables is fair. */
    public static long mix(long key) {
        key = ~key + (key << 21);
        key ^= key >>> 24;
        key = key + (key << 3) + (key << 8);
        key ^= key >>> 14;
        key = key + (key << 2) + (key << 4);
        key ^= key >>> 28;
        key += key << 31;
        return key & Long.MAX_VALUE;
    }
}
