package io.lifeline.proxy;

/**
 * A client connection handled by one event loop. Sessions are kept in an intrusive list per
 * loop so the loop can sweep them for expired timeouts without a timer object per request.
 */
abstract class Session implements IoHandler {

    final EventLoop loop;
    Session prev;
    Session next;
    boolean closed;

    Session(EventLoop loop) {
        this.loop = loop;
    }

    /** Called by the loop's periodic sweep; handles any deadline that has passed. */
    abstract void checkTimeouts(long now);

    /** Closes everything at once (shutdown or fatal error). */
    abstract void close();

    /** Whether the session is between requests and may be closed without losing anything. */
    abstract boolean isIdle();
}
