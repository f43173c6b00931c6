package io.lifeline.agent.ip;

import io.lifeline.net.Addresses;
import io.lifeline.net.ArpMode;
import io.lifeline.net.MacAddress;
import io.lifeline.net.NeighbourAnnouncer;
import io.lifeline.net.NetException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gratuitous ARP / neighbour advertisement schedule of one virtual IP. The first round of a
 * burst goes out synchronously, so neighbours are redirected by the time start returns; the
 * remaining rounds and the optional periodic refresh run on a shared scheduler. {@link #cancel}
 * stops everything at once, so a node never announces an address it has just given up.
 */
final class Announcements {
    private static final Logger log = LoggerFactory.getLogger(Announcements.class);

    /** Where to announce: the interface and its MAC at the time the address was added. */
    record Target(int ifindex, String ifname, MacAddress mac, InetAddress address) {
        @Override
        public String toString() {
            return Addresses.format(address) + " on " + ifname + " (" + mac + ")";
        }
    }

    /** Sends one announcement round; {@link NeighbourAnnouncer#announceOnce} in production. */
    interface RoundSender {
        void send(Target target, ArpMode mode) throws NetException;
    }

    /** Answers whether the address is still held, checked before each refresh round. */
    interface Holding {
        boolean stillHeld();
    }

    private final ScheduledExecutorService scheduler;
    private final RoundSender sender;
    private int generation;
    private ScheduledFuture<?> pendingRound;
    private ScheduledFuture<?> refresh;
    private CompletableFuture<Void> burstDone = CompletableFuture.completedFuture(null);

    Announcements(ScheduledExecutorService scheduler) {
        this(scheduler, (t, mode) -> NeighbourAnnouncer.announceOnce(t.ifindex(), t.mac(), t.address(), mode));
    }

    Announcements(ScheduledExecutorService scheduler, RoundSender sender) {
        this.scheduler = scheduler;
        this.sender = sender;
    }

    /** Starts the scheduler's thread now rather than at the first burst (the agent's warm-up). */
    void prepare(Duration timeout) {
        try {
            scheduler.schedule(() -> { }, 0, TimeUnit.MILLISECONDS).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.debug("announcement scheduler not prepared: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends a burst of {@code count} rounds {@code interval} apart; replaces a burst in progress.
     * Errors of the first round (no CAP_NET_RAW, interface gone) are thrown; later ones logged.
     */
    synchronized void burst(Target target, int count, Duration interval, ArpMode mode) throws NetException {
        burstUnlessCancelledSince(generation, target, count, interval, mode);
    }

    /** The current generation: {@link #cancel()} (a stop) moves it on. */
    synchronized int generation() {
        return generation;
    }

    /**
     * As {@link #burst}, but only if nothing was cancelled since {@code seen} ({@link #generation()}
     * read before the caller looked for the address): a re-announcement that found the address
     * just before a stop deleted it must not announce it afterwards, when a peer may hold it.
     *
     * @return false if a cancel came in between and nothing was sent
     */
    synchronized boolean burstUnlessCancelledSince(int seen, Target target, int count, Duration interval, ArpMode mode)
            throws NetException {
        if (seen != generation) {
            return false;
        }
        cancelBurst();
        if (count <= 0) {
            return true;
        }
        sender.send(target, mode);
        log.debug("announced {} (round 1/{})", target, count);
        if (count > 1) {
            burstDone = new CompletableFuture<>();
            scheduleRound(generation, target, 2, count, interval, mode);
        }
        return true;
    }

    private synchronized void scheduleRound(int gen, Target target, int round, int count, Duration interval,
                                            ArpMode mode) {
        pendingRound = scheduler.schedule(() -> runRound(gen, target, round, count, interval, mode),
                interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void runRound(int gen, Target target, int round, int count, Duration interval, ArpMode mode) {
        synchronized (this) {
            if (gen != generation) {
                return; // cancelled or replaced meanwhile
            }
            try {
                sender.send(target, mode);
                log.debug("announced {} (round {}/{})", target, round, count);
            } catch (NetException e) {
                log.warn("announcement round {}/{} for {} failed: {}", round, count, target, e.getMessage());
            }
            if (round < count) {
                scheduleRound(gen, target, round + 1, count, interval, mode);
            } else {
                burstDone.complete(null);
            }
        }
    }

    /** One round every {@code period} while {@code holding} says the address is still there. */
    synchronized void startRefresh(Target target, Duration period, ArpMode mode, Holding holding) {
        stopRefresh();
        if (period.isZero()) {
            return;
        }
        refresh = scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (holding.stillHeld()) {
                    sender.send(target, mode);
                    log.debug("refreshed {}", target);
                }
            } catch (NetException | RuntimeException e) {
                log.warn("ARP refresh for {} failed: {}", target, e.getMessage());
            }
        }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the burst in progress and the refresh. */
    synchronized void cancel() {
        cancelBurst();
        stopRefresh();
    }

    private void cancelBurst() {
        generation++;
        if (pendingRound != null) {
            pendingRound.cancel(false);
            pendingRound = null;
        }
        burstDone.complete(null);
    }

    private void stopRefresh() {
        if (refresh != null) {
            refresh.cancel(false);
            refresh = null;
        }
    }

    /** Waits until the current burst has sent its last round (or was cancelled); false on timeout. */
    boolean awaitBurst(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = burstDone;
        }
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // never completed exceptionally
        }
    }
}
