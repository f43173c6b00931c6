package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.proxy.balance.Balancer;
import io.lifeline.proxy.balance.Candidate;
import io.lifeline.proxy.balance.LeastConnections;
import io.lifeline.proxy.balance.MapBasedHash;
import io.lifeline.proxy.balance.RoundRobin;
import io.lifeline.proxy.balance.StaticRoundRobin;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The balancing algorithms on their own, with fake servers. */
class BalancingTest {

    static final class Fake implements Candidate {
        final String name;
        final int weight;
        int active;
        int maxconn;

        Fake(String name, int weight) {
            this.name = name;
            this.weight = weight;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int activeRequests() {
            return active;
        }

        @Override
        public boolean hasFreeSlot() {
            return maxconn == 0 || active < maxconn;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static String sequence(Balancer<Fake> b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(b.pick(Balancer.NO_HASH, null).name);
        }
        return sb.toString();
    }

    @Test
    void roundRobinFollowsWeightsAndSpreadsTurns() {
        Fake a = new Fake("a", 3);
        Fake b = new Fake("b", 1);
        RoundRobin<Fake> rr = new RoundRobin<>();
        rr.setServers(List.of(a, b));
        String s = sequence(rr, 8);
        assertEquals(6, s.chars().filter(c -> c == 'a').count());
        assertTrue(!s.contains("aaaa"), "turns are interleaved: " + s);
    }

    @Test
    void roundRobinAdaptsAtOnceToServerChanges() {
        Fake a = new Fake("a", 1);
        Fake b = new Fake("b", 1);
        Fake c = new Fake("c", 1);
        RoundRobin<Fake> rr = new RoundRobin<>();
        rr.setServers(List.of(a, b, c));
        sequence(rr, 2);
        rr.setServers(List.of(a, c)); // b went down
        String s = sequence(rr, 6);
        assertEquals(3, s.chars().filter(ch -> ch == 'a').count());
        assertEquals(3, s.chars().filter(ch -> ch == 'c').count());
    }

    @Test
    void roundRobinSkipsFullAndExcludedServers() {
        Fake a = new Fake("a", 1);
        Fake b = new Fake("b", 1);
        a.maxconn = 1;
        a.active = 1;
        RoundRobin<Fake> rr = new RoundRobin<>();
        rr.setServers(List.of(a, b));
        assertEquals("bbb", sequence(rr, 3));
        assertNull(rr.pick(Balancer.NO_HASH, b));
    }

    @Test
    void staticRoundRobinRepeatsAFixedWeightedSequence() {
        StaticRoundRobin<Fake> rr = new StaticRoundRobin<>();
        rr.setServers(List.of(new Fake("a", 2), new Fake("b", 1)));
        String s = sequence(rr, 9);
        assertEquals(s.substring(0, 3), s.substring(3, 6));
        assertEquals(6, s.chars().filter(c -> c == 'a').count());
    }

    @Test
    void leastConnPicksTheLeastLoadedRelativeToWeight() {
        Fake a = new Fake("a", 1);
        Fake b = new Fake("b", 2);
        LeastConnections<Fake> lc = new LeastConnections<>();
        lc.setServers(List.of(a, b));
        a.active = 1;
        b.active = 1;
        assertEquals("b", lc.pick(Balancer.NO_HASH, null).name); // 1/2 < 1/1
        b.active = 3;
        assertEquals("a", lc.pick(Balancer.NO_HASH, null).name); // 1/1 < 3/2
        a.active = 0;
        b.active = 0;
        Fake c = new Fake("c", 2);
        lc.setServers(List.of(new Fake("x", 1), new Fake("y", 1), c));
        // ties rotate: with nobody busy, every server gets picked within a few picks
        String s = sequence(lc, 3);
        assertTrue(s.contains("x") && s.contains("y") && s.contains("c"), s);
    }

    @Test
    void mapBasedHashKeepsKeysOnTheirServerAndFollowsWeights() {
        Fake a = new Fake("a", 1);
        Fake b = new Fake("b", 3);
        MapBasedHash<Fake> h = new MapBasedHash<>();
        h.setServers(List.of(a, b));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            byte[] key = ("198.51.100." + i).getBytes(StandardCharsets.UTF_8);
            long hash = MapBasedHash.hash(key, 0, key.length);
            Fake first = h.pick(hash, null);
            assertEquals(first, h.pick(hash, null), "same key, same server");
            counts.merge(first.name, 1, Integer::sum);
        }
        assertTrue(counts.get("b") > 2 * counts.get("a"), counts.toString());
        byte[] key = "/some/uri".getBytes(StandardCharsets.UTF_8);
        long hash = MapBasedHash.hash(key, 0, key.length);
        Fake chosen = h.pick(hash, null);
        assertNotEquals(chosen, h.pick(hash, chosen), "redispatch goes elsewhere");
        assertEquals(h.pick(Balancer.NO_HASH, null) != null, true, "no key: round robin");
    }
}
