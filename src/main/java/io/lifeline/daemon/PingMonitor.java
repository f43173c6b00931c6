package io.lifeline.daemon;

import io.lifeline.config.PingTarget;
import io.lifeline.thread.NamedThreads;
import io.lifeline.thread.Repeating;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeat's ping nodes, with ipfail built in: pings every {@code ping} address and every
 * member of each {@code ping_group} with ICMP echo, and reports this node's connectivity
 * score, the number of targets that answered within {@code deadping} (a ping group counts once,
 * while any member answers). The manager compares scores: a node that reaches fewer targets
 * neither takes nor keeps a group a better-connected node can run.
 *
 * <p>Echo requests go out through {@link InetAddress#isReachable}, which sends real ICMP echo
 * as root (a raw socket; the daemon runs as root or with CAP_NET_RAW). Each address has its
 * own thread, so a target that never answers cannot delay the others.
 */
final class PingMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PingMonitor.class);

    private final List<PingTarget> targets;
    private final long intervalMs;
    private final long deadpingMs;
    private final IntConsumer onScore;
    private final LongSupplier monotonicMs;
    private final Map<InetAddress, Long> lastReply = new ConcurrentHashMap<>();
    private final ScheduledExecutorService threads;
    private int lastScore = -1;

    /**
     * @param interval time between echo requests to one address
     * @param deadping an address is unreachable after this long without a reply
     */
    PingMonitor(List<PingTarget> targets, Duration interval, Duration deadping, IntConsumer onScore,
                LongSupplier monotonicMs) {
        this.targets = List.copyOf(targets);
        this.intervalMs = Math.max(20, interval.toMillis());
        this.deadpingMs = Math.max(this.intervalMs, deadping.toMillis());
        this.onScore = onScore;
        this.monotonicMs = monotonicMs;
        int addresses = targets.stream().mapToInt(t -> t.addresses().size()).sum();
        this.threads = Executors.newScheduledThreadPool(addresses + 1, NamedThreads.daemon("ping"));
    }

    /** The echo interval and deadping Heartbeat would use: keepalive, and deadping or else deadtime. */
    static Duration interval(Duration keepalive, Duration deadping) {
        // a few echoes per deadping, so one lost reply does not cost a point
        long ms = Math.min(keepalive.toMillis(), deadping.toMillis() / 3);
        return Duration.ofMillis(Math.max(20, ms));
    }

    void start() {
        for (PingTarget t : targets) {
            for (InetAddress a : t.addresses()) {
                Repeating.withFixedDelay(threads, "ping " + a.getHostAddress(), 0, intervalMs, TimeUnit.MILLISECONDS,
                        () -> ping(a));
            }
        }
        Repeating.withFixedDelay(threads, "ping evaluation", intervalMs, intervalMs, TimeUnit.MILLISECONDS, this::evaluate);
        LOG.info("pinging {} ping target(s) every {} ms; unreachable after {} ms without a reply", targets.size(),
                intervalMs, deadpingMs);
    }

    private void ping(InetAddress a) {
        try {
            if (a.isReachable((int) Math.max(10, Math.min(intervalMs, 1000)))) {
                lastReply.put(a, monotonicMs.getAsLong());
            }
        } catch (IOException e) {
            LOG.debug("ping {}: {}", a.getHostAddress(), e.toString());
        }
    }

    private void evaluate() {
        long now = monotonicMs.getAsLong();
        int score = 0;
        List<String> down = new ArrayList<>();
        for (PingTarget t : targets) {
            boolean up = t.addresses().stream().anyMatch(a -> {
                Long at = lastReply.get(a);
                return at != null && now - at <= deadpingMs;
            });
            if (up) {
                score++;
            } else {
                down.add(t.name());
            }
        }
        if (score != lastScore) {
            if (down.isEmpty()) {
                LOG.info("ping targets: all {} reachable", targets.size());
            } else {
                LOG.warn("ping targets: {} of {} reachable; not answering: {}", score, targets.size(), down);
            }
            lastScore = score;
            onScore.accept(score);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
