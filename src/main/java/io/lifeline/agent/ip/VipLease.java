package io.lifeline.agent.ip;

import io.lifeline.net.AddressRequest;
import io.lifeline.net.NetException;
import io.lifeline.net.RtNetlink;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIPs this daemon holds exist in the kernel only on lease: each is added with a lifetime
 * ({@code valid_lft}) that this class renews while the daemon runs. A daemon killed with -9,
 * frozen (SIGSTOP, a paused VM) or otherwise unable to renew loses its VIPs by the kernel's own
 * hand about {@link #length()} after its last renewal, so a peer that takes over does not
 * share the address with it for longer than that (the duplicate-address probe holds the
 * takeover back until then).
 *
 * <p>The length follows deadtime (whole seconds, at least 1 s, which is the kernel's unit), so
 * that at Heartbeat's usual timers the address is gone by the time the peers declare the node
 * dead. A renewal never extends a lease that may already have lapsed: when the renewer ran late
 * by the whole length (a long pause), the address is, or is about to be, gone and a peer may
 * hold it, so the lease is left to end and the monitor reports the VIP missing.
 */
public final class VipLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VipLease.class);
    /** A renewal later than this before the end of the lease is not sent (the kernel's check runs at its own pace). */
    private static final long SAFETY_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration NETLINK_TIMEOUT = Duration.ofSeconds(1);

    private final int seconds;
    private final long renewEveryMillis;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer;

    private record Held(AddressRequest request, long renewedAtNanos) {
    }

    VipLease(int seconds, LongSupplier nanoClock, boolean startRenewer) {
        this(seconds, nanoClock, startRenewer, () -> { });
    }

    /** @param renewerSetup runs first on the renewer thread (the daemon raises its priority there) */
    VipLease(int seconds, LongSupplier nanoClock, boolean startRenewer, Runnable renewerSetup) {
        if (seconds < 1) {
            throw new IllegalArgumentException("a VIP lease is at least 1 s");
        }
        this.seconds = seconds;
        this.renewEveryMillis = Math.max(100, Math.min(1000, seconds * 1000L / 4));
        this.nanoClock = nanoClock;
        if (startRenewer) {
            renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(() -> {
                    renewerSetup.run();
                    r.run();
                }, "lifeline-vip-lease");
                t.setDaemon(true);
                return t;
            });
            renewer.scheduleWithFixedDelay(this::renewAll, renewEveryMillis, renewEveryMillis, TimeUnit.MILLISECONDS);
        } else {
            renewer = null;
        }
    }

    /**
     * The lease for a cluster with this deadtime: its whole seconds, at least 1 s.
     *
     * @param renewerSetup runs first on the renewer thread: a late renewal takes the VIP away
     *                     from a node its peers still see alive, so the daemon gives the renewer
     *                     the heartbeat threads' priority (a box so loaded that it starved at
     *                     normal priority once lost a VIP for 903 ms in a test)
     */
    public static VipLease forDeadtime(Duration deadtime, Runnable renewerSetup) {
        return new VipLease((int) Math.max(1, deadtime.toSeconds()), System::nanoTime, true, renewerSetup);
    }

    public Duration length() {
        return Duration.ofSeconds(seconds);
    }

    public long renewEveryMillis() {
        return renewEveryMillis;
    }

    /** The request to add an address under this lease. */
    AddressRequest leased(AddressRequest r) {
        return r.withLifetime(seconds);
    }

    /** The current time of this lease's clock, taken before a request is sent. */
    long now() {
        return nanoClock.getAsLong();
    }

    /**
     * The address was added (or renewed) with {@link #leased} by a request sent at
     * {@code sentAtNanos} ({@link #now()}): the kernel's lifetime runs from about then.
     */
    void hold(AddressRequest leased, long sentAtNanos) {
        held.put(leased.address(), new Held(leased, sentAtNanos));
    }

    /** Stop renewing (the agent is about to delete the address, or it is gone). */
    void release(InetAddress address) {
        held.remove(address);
    }

    boolean holds(InetAddress address) {
        return held.containsKey(address);
    }

    /** One round of renewals; package-private so tests can drive it without the timer. */
    void renewAll() {
        if (held.isEmpty()) {
            return;
        }
        try (RtNetlink nl = RtNetlink.open(NETLINK_TIMEOUT)) {
            for (Held h : held.values()) {
                renew(nl, h);
            }
        } catch (NetException | RuntimeException e) {
            log.warn("cannot renew VIP leases: {}", e.getMessage());
        }
    }

    private void renew(RtNetlink nl, Held h) throws NetException {
        InetAddress address = h.request().address();
        long now = nanoClock.getAsLong();
        long age = now - h.renewedAtNanos();
        if (age >= TimeUnit.SECONDS.toNanos(seconds) - SAFETY_MARGIN_NANOS) {
            // the kernel may already have removed it, and a peer may have taken it over
            held.remove(address, h);
            log.error("{}: not renewed for {} ms, longer than its {} s lease: it is left to expire", address,
                    TimeUnit.NANOSECONDS.toMillis(age), seconds);
            return;
        }
        if (nl.findAddress(address, h.request().ifindex()).isEmpty()) {
            held.remove(address, h);
            log.warn("{}: gone from the interface; its lease is no longer renewed", address);
            return;
        }
        nl.renewAddress(h.request());
        held.replace(address, h, new Held(h.request(), now));
    }

    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }
}
