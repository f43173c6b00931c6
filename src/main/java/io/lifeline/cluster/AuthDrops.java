package io.lifeline.cluster;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts datagrams refused by the transport's authentication per source address and reason, and logs them
 * rate-limited (at most one line per peer and reason every {@link #LOG_INTERVAL_MS}) so a flood
 * of forged packets cannot flood the log. Thread-safe; never throws.
 */
public final class AuthDrops {

    static final long LOG_INTERVAL_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(AuthDrops.class);

    /** One counter line as shown in status. */
    public record Entry(String peer, AuthDropReason reason, long count, long lastDropMillis) {
    }

    private record Key(String peer, AuthDropReason reason) {
    }

    private static final class Counter {
        final AtomicLong count = new AtomicLong();
        volatile long lastDrop;
        long lastLogged = Long.MIN_VALUE;
        long loggedCount;
    }

    private final String link;
    private final Clock clock;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    public AuthDrops(String link, Clock clock) {
        this.link = link;
        this.clock = clock;
    }

    /**
     * Distinct source addresses counted on their own per link; beyond them drops count under
     * {@link #OTHER_PEERS}, so an attacker spoofing random source addresses cannot grow the heap,
     * the log or the metrics' series with every datagram.
     */
    static final int MAX_PEERS = 64;
    public static final String OTHER_PEERS = "other";

    /** Records one refused datagram from {@code peer} (its source IP address). */
    public void drop(String source, AuthDropReason reason, String detail) {
        Key key = new Key(source, reason);
        Counter c = counters.get(key);
        if (c == null) {
            if (counters.keySet().stream().map(Key::peer).distinct().count() >= MAX_PEERS
                    && counters.keySet().stream().noneMatch(k -> k.peer().equals(source))) {
                key = new Key(OTHER_PEERS, reason);
            }
            c = counters.computeIfAbsent(key, k -> new Counter());
        }
        String peer = key.peer();
        long total = c.count.incrementAndGet();
        long now = clock.millis();
        c.lastDrop = now;
        long since;
        synchronized (c) {
            if (c.lastLogged != Long.MIN_VALUE && now - c.lastLogged < LOG_INTERVAL_MS) {
                return;
            }
            since = total - c.loggedCount;
            c.lastLogged = now;
            c.loggedCount = total;
        }
        LOG.warn("link {}: dropped {} datagram(s) from {}: {}{} ({} in total; further drops logged at most every {} s)",
                link, since, peer, reason.label(), detail == null ? "" : " (" + detail + ")", total,
                LOG_INTERVAL_MS / 1000);
    }

    /** The link these counters belong to. */
    public String link() {
        return link;
    }

    public long total() {
        return counters.values().stream().mapToLong(c -> c.count.get()).sum();
    }

    public long count(String peer, AuthDropReason reason) {
        Counter c = counters.get(new Key(peer, reason));
        return c == null ? 0 : c.count.get();
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        counters.forEach((k, c) -> out.add(new Entry(k.peer(), k.reason(), c.count.get(), c.lastDrop)));
        out.sort(Comparator.comparing(Entry::peer).thenComparing(Entry::reason));
        return out;
    }
}
