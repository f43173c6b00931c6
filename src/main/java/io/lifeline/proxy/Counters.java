package io.lifeline.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic counters HAProxy shows for a frontend, backend or server (same names as its
 * CSV columns). Updated from any event loop without locks; read by the stats page.
 */
public final class Counters {
    /** Current sessions (scur) and the highest seen (smax). */
    public final AtomicInteger scur = new AtomicInteger();
    public final AtomicInteger smax = new AtomicInteger();
    /** Total sessions or requests (stot). */
    public final LongAdder stot = new LongAdder();
    public final LongAdder bin = new LongAdder();
    public final LongAdder bout = new LongAdder();
    /** Requests with errors (ereq), connection errors (econ), response errors (eresp). */
    public final LongAdder ereq = new LongAdder();
    public final LongAdder econ = new LongAdder();
    public final LongAdder eresp = new LongAdder();
    /** Retries (wretr) and redispatches (wredis). */
    public final LongAdder wretr = new LongAdder();
    public final LongAdder wredis = new LongAdder();
    /** HTTP requests received, for frontends (req_tot). */
    public final LongAdder reqTot = new LongAdder();
    /** Times chosen by the load balancer (lbtot). */
    public final LongAdder lbtot = new LongAdder();
    /** HTTP responses by class: 1xx..5xx and other (hrsp_1xx..hrsp_other). */
    public final LongAdder[] hrsp = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
            new LongAdder(), new LongAdder()};

    public void sessionStarted() {
        int now = scur.incrementAndGet();
        int max = smax.get();
        while (now > max && !smax.compareAndSet(max, now)) {
            max = smax.get();
        }
        stot.increment();
    }

    public void sessionEnded() {
        scur.decrementAndGet();
    }

    public void response(int status) {
        int cls = status / 100;
        hrsp[cls >= 1 && cls <= 5 ? cls - 1 : 5].increment();
    }
}
