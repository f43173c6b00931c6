package io.lifeline.proxy;

import io.lifeline.proxy.config.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server of a backend at run time: its health (driven by checks and by refused traffic
 * connections), its active-request count for maxconn and leastconn, and its counters.
 */
public final class ServerRuntime implements io.lifeline.proxy.balance.Candidate {

    private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);

    final ServerConfig config;
    final BackendRuntime backend;
    /** Index across the whole proxy; event loops keep their idle-connection pools by it. */
    final int id;
    final InetSocketAddress address;
    final Counters counters = new Counters();
    private final AtomicInteger active = new AtomicInteger();
    /** Precomputed "Set-Cookie" line for cookie insertion, or null. */
    final byte[] setCookieLine;

    private volatile boolean up;
    private int consecutiveSuccesses;
    private int consecutiveFailures;
    private volatile long lastChangeMillis = System.currentTimeMillis();
    private volatile long downSinceMillis;
    private volatile long downtimeMillis;
    volatile String checkStatus = "";
    volatile int checkCode;
    volatile long checkDurationMillis = -1;
    final java.util.concurrent.atomic.LongAdder checkFailures = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder downTransitions = new java.util.concurrent.atomic.LongAdder();

    ServerRuntime(ServerConfig config, BackendRuntime backend, int id, String cookieName) {
        this.config = config;
        this.backend = backend;
        this.id = id;
        this.address = config.address();
        // HAProxy starts servers UP; a checked server goes DOWN after 'fall' failed checks
        this.up = true;
        this.setCookieLine = cookieName == null || config.cookie() == null ? null
                : ("set-cookie: " + cookieName + "=" + config.cookie() + "; path=/\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    public String name() {
        return config.name();
    }

    public String qualifiedName() {
        return backend.name() + "/" + config.name();
    }

    public boolean isUp() {
        return up;
    }

    /** Can take new traffic: up, not disabled, with a positive weight. */
    public boolean isUsable() {
        return up && !config.disabled() && config.weight() > 0;
    }

    @Override
    public int weight() {
        return config.weight();
    }

    @Override
    public int activeRequests() {
        return active.get();
    }

    @Override
    public boolean hasFreeSlot() {
        return config.maxconn() == 0 || active.get() < config.maxconn();
    }

    /** Takes a request slot unless maxconn is reached. */
    boolean tryAcquire() {
        int max = config.maxconn();
        while (true) {
            int cur = active.get();
            if (max > 0 && cur >= max) {
                return false;
            }
            if (active.compareAndSet(cur, cur + 1)) {
                counters.sessionStarted();
                return true;
            }
        }
    }

    void release() {
        active.decrementAndGet();
        counters.sessionEnded();
        backend.slotFreed();
    }

    String statusText() {
        if (config.disabled()) {
            return "MAINT";
        }
        if (!config.check()) {
            return "no check";
        }
        if (up) {
            return consecutiveFailures > 0 ? "UP " + consecutiveFailures + "/" + config.fall() : "UP";
        }
        return consecutiveSuccesses > 0 ? "DOWN " + consecutiveSuccesses + "/" + config.rise() : "DOWN";
    }

    long lastChangeMillis() {
        return lastChangeMillis;
    }

    long downtimeMillis() {
        long d = downtimeMillis;
        return up ? d : d + (System.currentTimeMillis() - downSinceMillis);
    }

    /** A health check (or a traffic connection, for passive checking) succeeded. */
    synchronized void checkSucceeded(String status, int code, long durationMillis) {
        checkStatus = status;
        checkCode = code;
        checkDurationMillis = durationMillis;
        consecutiveFailures = 0;
        if (!up && ++consecutiveSuccesses >= config.rise()) {
            up = true;
            consecutiveSuccesses = 0;
            long now = System.currentTimeMillis();
            downtimeMillis += now - downSinceMillis;
            lastChangeMillis = now;
            backend.serverStateChanged();
            log.warn("Server {} is UP: {}; {}", qualifiedName(), describe(status, code), backend.serversLeftText());
        }
    }

    /** A health check failed, or (passively) a traffic connection was refused. */
    synchronized void checkFailed(String status, int code, String reason, long durationMillis, boolean passive) {
        if (!passive) {
            checkStatus = status;
            checkCode = code;
            checkDurationMillis = durationMillis;
        }
        checkFailures.increment();
        consecutiveSuccesses = 0;
        if (up && ++consecutiveFailures >= config.fall()) {
            up = false;
            consecutiveFailures = 0;
            long now = System.currentTimeMillis();
            downSinceMillis = now;
            lastChangeMillis = now;
            downTransitions.increment();
            backend.serverStateChanged();
            log.warn("Server {} is DOWN: {}{}; {}", qualifiedName(), reason, passive ? " (traffic)" : "",
                    backend.serversLeftText());
            if (!backend.hasUsableServer()) {
                log.error("backend {} has no server available!", backend.name());
            }
        }
    }

    private static String describe(String status, int code) {
        return code > 0 ? status + " (" + code + ")" : status;
    }
}
