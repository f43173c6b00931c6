package io.lifeline.agent.ip;

import io.lifeline.net.AddressRequest;
import io.lifeline.net.NetException;
import io.lifeline.net.RtNetlink;
import io.lifeline.thread.NamedThreads;
import io.lifeline.thread.Repeating;
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
 * <p>The length follows deadtime ({@link #forDeadtime}): long enough that no freeze the node
 * survives as a member loses its VIP, short enough that a peer's takeover (held back by the
 * duplicate-address probe while the address is still there) waits about a second at most. A
 * renewal never extends a lease that may already have lapsed: when the renewer ran late
 * by the whole length (a long pause), the address is, or is about to be, gone and a peer may
 * hold it, so the lease is left to end and the monitor reports the VIP missing.
 */
public final class VipLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VipLease.class);
    /** A late renewal loses a VIP: heartbeat priority (and SCHED_RR through renewerSetup). */
    private static final NamedThreads RENEWERS = NamedThreads.heartbeat("vip-lease");
    /**
     * A renewal later than this before the end of the lease is not sent: it covers the send itself
     * and the kernel's own expiry check, which runs at its own pace.
     */
    private static final long SAFETY_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Duration NETLINK_TIMEOUT = Duration.ofSeconds(1);

    private final int seconds;
    private final long renewEveryMillis;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer;
    private final KernelOpener kernel;

    private record Held(AddressRequest request, long renewedAtNanos) {
    }

    /** The kernel side of a renewal; a test replaces it to see what would be sent. */
    interface Kernel extends AutoCloseable {
        boolean present(AddressRequest r) throws NetException;

        void renew(AddressRequest r) throws NetException;

        @Override
        void close();
    }

    /** Opens one netlink socket per round of renewals. */
    interface KernelOpener {
        Kernel open() throws NetException;
    }

    private static final KernelOpener NETLINK = () -> {
        RtNetlink nl = RtNetlink.open(NETLINK_TIMEOUT);
        return new Kernel() {
            @Override
            public boolean present(AddressRequest r) throws NetException {
                return nl.findAddress(r.address(), r.ifindex()).isPresent();
            }

            @Override
            public void renew(AddressRequest r) throws NetException {
                nl.renewAddress(r);
            }

            @Override
            public void close() {
                nl.close();
            }
        };
    };

    /** A lease without a renewer thread, for tests that drive {@link #renewAll()} themselves. */
    VipLease(int seconds, long renewEveryMillis, LongSupplier nanoClock, KernelOpener kernel) {
        this(seconds, renewEveryMillis, nanoClock, false, () -> { }, kernel);
    }

    /** @param renewerSetup runs first on the renewer thread (the daemon raises its priority there) */
    private VipLease(int seconds, long renewEveryMillis, LongSupplier nanoClock, boolean startRenewer,
                     Runnable renewerSetup, KernelOpener kernel) {
        this.kernel = kernel;
        if (seconds < 1) {
            throw new IllegalArgumentException("a VIP lease is at least 1 s");
        }
        this.seconds = seconds;
        this.renewEveryMillis = renewEveryMillis;
        this.nanoClock = nanoClock;
        if (startRenewer) {
            renewer = Executors.newSingleThreadScheduledExecutor(r -> RENEWERS.newThread(() -> {
                renewerSetup.run();
                r.run();
            }));
            Repeating.withFixedDelay(renewer, "VIP lease renewal", renewEveryMillis, renewEveryMillis, TimeUnit.MILLISECONDS,
                    this::renewAll);
        } else {
            renewer = null;
        }
    }

    /**
     * The lease for a cluster with this deadtime: deadtime plus one renewal interval (250 ms; 1 s
     * above a deadtime of 4 s) plus the safety margin, rounded up to whole seconds (the kernel's
     * unit). So the lease outlasts every freeze the node survives as a member (one shorter than
     * deadtime, the stall threshold): it never takes a VIP from a node its peers still count,
     * and it ends at most about a second after the peers could have declared the node dead.
     *
     * @param renewerSetup runs first on the renewer thread: a late renewal takes the VIP away, so
     *                     the daemon gives the renewer the heartbeat threads' priority
     */
    public static VipLease forDeadtime(Duration deadtime, Runnable renewerSetup) {
        long renew = deadtime.toMillis() <= 4000 ? 250 : 1000;
        long needed = deadtime.toMillis() + renew + TimeUnit.NANOSECONDS.toMillis(SAFETY_MARGIN_NANOS);
        int seconds = (int) Math.max(1, (needed + 999) / 1000);
        return new VipLease(seconds, renew, System::nanoTime, true, renewerSetup, NETLINK);
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
    synchronized void hold(AddressRequest leased, long sentAtNanos) {
        held.put(leased.address(), new Held(leased, sentAtNanos));
    }

    /**
     * Stop renewing (the agent is about to delete the address, or it is gone). Once this returns
     * no renewal of the address is in flight: renewals hold the same lock while they send, so a
     * delete that follows can never be undone by a renewal (the kernel's replace re-creates a
     * missing address).
     */
    synchronized void release(InetAddress address) {
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
        try (Kernel k = kernel.open()) {
            for (Held h : held.values()) {
                try {
                    renew(k, h); // one address's failure must not cost the others their renewal
                } catch (NetException | RuntimeException e) {
                    log.warn("{}: lease not renewed: {}", h.request().address(), e.getMessage());
                }
            }
        } catch (NetException | RuntimeException e) {
            log.warn("cannot renew VIP leases: {}", e.getMessage());
        }
    }

    @SuppressWarnings("ReferenceEquality") // this very lease, not an equal one renewed meanwhile
    private synchronized void renew(Kernel k, Held h) throws NetException {
        InetAddress address = h.request().address();
        if (held.get(address) != h) {
            return; // released (stopped) or renewed meanwhile
        }
        if (!k.present(h.request())) {
            held.remove(address);
            log.warn("{}: gone from the interface; its lease is no longer renewed", address);
            return;
        }
        // the clock is read right before the send: the check above may have waited on the kernel
        long now = nanoClock.getAsLong();
        long age = now - h.renewedAtNanos();
        if (age >= TimeUnit.SECONDS.toNanos(seconds) - SAFETY_MARGIN_NANOS) {
            // the kernel may already have removed it, and a peer may have taken it over
            held.remove(address);
            log.error("{}: not renewed for {} ms, too close to its {} s lease: it is left to expire", address,
                    TimeUnit.NANOSECONDS.toMillis(age), seconds);
            return;
        }
        k.renew(h.request());
        held.put(address, new Held(h.request(), now));
    }

    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }
}
