package io.lifeline.cluster;

import io.lifeline.os.Posix;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Realtime scheduling (SCHED_RR) for the threads that send, receive and judge heartbeats, as
 * Heartbeat's {@code realtime}/{@code rtprio} did for its whole process.
 *
 * <p>Only these threads: the JGroups timer that sends heartbeats and checks timeouts, the
 * transport's receiver threads (they authenticate every datagram and deliver heartbeats), the suspect
 * verification, the membership tick, the stall watchdog, and the renewer of the VIPs' kernel
 * leases (the daemon hands it this method: a late renewal loses a VIP). Their work per wake-up is small and
 * bounded. State reports are encoded on the manager thread and decoded on the cluster-events
 * thread, both at normal priority, so a storm of reports cannot starve heartbeats (the
 * transport authenticates them, which costs a bounded HMAC per datagram). The JVM's own threads
 * (garbage collector, JIT compiler) and the manager and agent threads stay at normal scheduling
 * (nice -10, {@code Realtime} in the daemon): a compiler burst at realtime priority would starve
 * the services this node runs. Any realtime priority runs before every normal process, so a
 * heartbeat is not late because the host is busy; the kernel's realtime throttling (by default
 * 95% of each second) bounds what a runaway thread could take.
 *
 * <p>A thread asks for the priority itself, the first time it does heartbeat work
 * ({@link #enterCurrentThread()}), because JGroups creates and names its threads internally.
 * {@code SCHED_RESET_ON_FORK} keeps the priority from passing to any process a thread starts.
 * The daemon turns this on ({@link #enable}); without it (tests, {@code realtime off}) nothing
 * changes. A refused request (no CAP_SYS_NICE, a container without realtime budget) is logged
 * once and the thread stays as it was.
 */
public final class HeartbeatPriority {

    /**
     * Default priority: above every normal process, below threaded interrupt handlers (50) and
     * the kernel's own realtime threads (99), which the network and the watchdog need.
     */
    public static final int DEFAULT_RTPRIO = 10;

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPriority.class);

    private static volatile int priority; // 0: off
    private static final ThreadLocal<Boolean> ENTERED = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final AtomicInteger PROMOTED = new AtomicInteger();
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private HeartbeatPriority() {
    }

    /** Heartbeat threads ask for SCHED_RR at {@code rtprio} (1..99) from now on. */
    public static void enable(int rtprio) {
        if (rtprio < 1 || rtprio > 99) {
            throw new IllegalArgumentException("rtprio must be 1..99, not " + rtprio);
        }
        priority = rtprio;
    }

    /** Back to normal for threads that enter from now on (tests). */
    static void disable() {
        priority = 0;
    }

    /** How many threads run at the realtime priority. */
    public static int promotedThreads() {
        return PROMOTED.get();
    }

    /** Called by a heartbeat thread before its work; after the first call per thread it costs a lookup. */
    public static void enterCurrentThread() {
        int prio = priority;
        if (prio == 0 || ENTERED.get()) {
            return;
        }
        ENTERED.set(Boolean.TRUE);
        String thread = Thread.currentThread().getName();
        try {
            if (Posix.schedSetScheduler(0, Posix.SCHED_RR | Posix.SCHED_RESET_ON_FORK, prio) == 0) {
                int n = PROMOTED.incrementAndGet();
                LOG.debug("realtime: thread '{}' runs SCHED_RR priority {} ({} heartbeat threads)", thread, prio, n);
                if (REPORTED.compareAndSet(false, true)) {
                    LOG.info("realtime: heartbeat threads run SCHED_RR priority {} (first: '{}')", prio, thread);
                }
            } else if (REPORTED.compareAndSet(false, true)) {
                LOG.warn("realtime: cannot give heartbeat threads SCHED_RR priority {}: {} (needs CAP_SYS_NICE and"
                        + " a realtime budget); they keep the daemon's normal priority", prio,
                        Posix.strerror(Posix.errno()));
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            if (REPORTED.compareAndSet(false, true)) {
                LOG.warn("realtime: cannot set heartbeat thread priority ({})", e.toString());
            }
        }
    }
}
