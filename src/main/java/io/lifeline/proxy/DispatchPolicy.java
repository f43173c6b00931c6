package io.lifeline.proxy;

/**
 * Where a request (HTTP) or a connection (TCP) goes next: HAProxy's assignment, retry,
 * redispatch and queueing rules in one place, so that both session types follow the same ones.
 * The sessions carry the steps out (connect, wait in the queue, answer 503 or close); this class
 * decides, and reserves the server slot it chose.
 *
 * <p>The rules, as HAProxy documents them for {@code retries} and {@code option redispatch}:
 * <ul>
 *   <li>A server a persistence cookie names is used while it is usable; then the balancer picks,
 *       except that a newcomer queues behind requests already waiting for a slot.</li>
 *   <li>No server picked: wait in the backend queue while some server is usable (all at
 *       {@code maxconn}), otherwise the service is unavailable.</li>
 *   <li>After a failed connection attempt: give up once {@code retries} are spent; otherwise
 *       retry the same server after min({@code timeout connect}, 1 s), or go to another server
 *       at once. With {@code option redispatch}, a retry goes elsewhere on the retries its
 *       interval names (every Pth; -N: the Nth before the last; plain: the last), when the
 *       server is DOWN, and, as HAProxy's {@code back_handle_st_cer()} does, on every retry of
 *       a request no cookie binds when the balancing does not hash (roundrobin, static-rr,
 *       leastconn) and more than one active server is up: such a request was never meant for
 *       that server. Unlike HAProxy, a DOWN server is left without the option too, unless a
 *       persistence cookie binds the request to it: nothing else ties a request to the server
 *       it was first sent to, and HAProxy's choice (retrying a DOWN server until the retries
 *       are spent, then 503) serves no one.</li>
 *   <li>A request waits in the queue at most {@code timeout queue} ({@code timeout connect}
 *       when unset, {@link #queueTimeoutMillis}); then 503 (HTTP) or close (TCP).</li>
 * </ul>
 */
final class DispatchPolicy {

    /** What the session does next. */
    enum Kind {
        /** Connect to {@link Step#server()}, whose slot is now held. */
        CONNECT,
        /** Wait in the backend queue for a slot. */
        QUEUE,
        /** No server is usable: 503 (HTTP) or close (TCP). */
        UNAVAILABLE
    }

    record Step(Kind kind, ServerRuntime server) {
        static final Step QUEUE = new Step(Kind.QUEUE, null);
        static final Step UNAVAILABLE = new Step(Kind.UNAVAILABLE, null);

        static Step connect(ServerRuntime s) {
            return new Step(Kind.CONNECT, s);
        }
    }

    /** What follows a failed connection attempt. */
    enum AfterFailure {
        GIVE_UP,
        RETRY_SAME_SERVER,
        REDISPATCH
    }

    private DispatchPolicy() {
    }

    /**
     * Chooses a server. {@code persistent} is the server a persistence cookie names (or null);
     * {@code exclude} the one that just failed (or null); {@code fromQueue} whether the caller
     * already had its turn in the queue.
     */
    static Step assign(BackendRuntime be, long hash, ServerRuntime persistent, ServerRuntime exclude, boolean fromQueue) {
        ServerRuntime s;
        if (persistent != null && persistent.isUsable() && exclude == null) {
            s = persistent;
        } else if (!fromQueue && be.queued.get() > 0) {
            // others are already waiting: keep their turn, unless there is nothing to wait for
            return be.hasUsableServer() ? Step.QUEUE : Step.UNAVAILABLE;
        } else {
            s = be.pick(hash, exclude);
            if (s == null && exclude != null && exclude.isUsable()) {
                s = exclude; // the only server left: retry it rather than fail
            }
        }
        if (s == null) {
            return be.hasUsableServer() ? Step.QUEUE : Step.UNAVAILABLE;
        }
        return s.tryAcquire() ? Step.connect(s) : Step.QUEUE;
    }

    /** After the {@code retry}-th failed attempt (1-based) on {@code failed}. */
    static AfterFailure afterFailure(BackendRuntime be, ServerRuntime failed, int retry, ServerRuntime persistent) {
        if (retry > be.config.retries()) {
            return AfterFailure.GIVE_UP;
        }
        return redispatch(be, failed, retry, persistent) ? AfterFailure.REDISPATCH : AfterFailure.RETRY_SAME_SERVER;
    }

    /**
     * A connection attempt to {@code failed} failed (refused, timed out, or closed before a
     * response byte): reports it to the server's health (a checked server counts it as a
     * failed check), counts it as HAProxy's stats do, and says what follows. Both session
     * types call this, then release the slot and carry the answer out.
     */
    static AfterFailure connectFailed(BackendRuntime be, ServerRuntime failed, int retry, ServerRuntime persistent,
            String reason) {
        if (failed.config.check()) {
            failed.checkFailed("L4CON", 0, reason, 0, true);
        }
        AfterFailure next = afterFailure(be, failed, retry, persistent);
        switch (next) {
            case GIVE_UP -> {
                failed.counters.econ.increment();
                be.counters.econ.increment();
            }
            case RETRY_SAME_SERVER -> {
                failed.counters.wretr.increment();
                be.counters.wretr.increment();
            }
            case REDISPATCH -> {
                failed.counters.wretr.increment();
                be.counters.wretr.increment();
                failed.counters.wredis.increment();
                be.counters.wredis.increment();
            }
        }
        return next;
    }

    /** How long a request may wait in the backend queue: timeout queue, else timeout connect (0: forever). */
    static long queueTimeoutMillis(BackendRuntime be) {
        return be.config.timeouts().effectiveQueue();
    }

    /** How long a retry of the same server waits: min(timeout connect, 1 s), as HAProxy. */
    static long retryDelayMillis(long timeoutConnect) {
        return timeoutConnect > 0 ? Math.min(timeoutConnect, 1000) : 1000;
    }

    /**
     * A retry of {@code server} is due: connect to it, or queue, or, if it went DOWN while the
     * retry waited and nothing binds the request to it, choose again without it.
     */
    static Step retryDue(BackendRuntime be, ServerRuntime server, int retry, ServerRuntime persistent, long hash) {
        if (!server.isUsable() && redispatch(be, server, retry, persistent)) {
            server.counters.wredis.increment();
            be.counters.wredis.increment();
            return assign(be, hash, null, server, true);
        }
        return server.tryAcquire() ? Step.connect(server) : Step.QUEUE;
    }

    private static boolean redispatch(BackendRuntime be, ServerRuntime failed, int retry, ServerRuntime persistent) {
        boolean option = be.config.redispatchInterval() != 0;
        boolean bound = persistent == failed;
        if (option && (be.redispatchOnRetry(retry) || !bound && !hashes(be) && be.activeServersUp() > 1)) {
            return true;
        }
        return !failed.isUsable() && (option || !bound);
    }

    /** Whether the balancing maps a request to one server (source, uri, hdr): a retry elsewhere changes its server. */
    private static boolean hashes(BackendRuntime be) {
        return switch (be.config.balance().algorithm()) {
            case SOURCE, URI, HDR -> true;
            case ROUNDROBIN, STATIC_RR, LEASTCONN -> false;
        };
    }
}
