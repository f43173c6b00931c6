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
 *       on the retries {@code option redispatch} names. Unlike HAProxy, a DOWN server is left
 *       without the option too, unless a persistence cookie binds the request to it: nothing
 *       else ties a request to the server it was first sent to, and HAProxy's choice (retrying
 *       a DOWN server until the retries are spent, then 503) serves no one.</li>
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
        if (option && be.redispatchOnRetry(retry)) {
            return true;
        }
        return !failed.isUsable() && (option || persistent != failed);
    }
}
