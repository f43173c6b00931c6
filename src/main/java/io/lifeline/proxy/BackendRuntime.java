package io.lifeline.proxy;

import io.lifeline.proxy.balance.Balancer;
import io.lifeline.proxy.config.ProxySection;
import io.lifeline.proxy.config.ServerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend at run time: its servers, the balancer over the eligible ones, the queue of
 * requests waiting for a server slot (maxconn), and its counters.
 */
public final class BackendRuntime {

    final ProxySection config;
    final List<ServerRuntime> servers;
    final Balancer<ServerRuntime> balancer;
    final Counters counters = new Counters();
    private final Map<String, ServerRuntime> byCookie = new HashMap<>();
    private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger queued = new AtomicInteger();
    final AtomicInteger queueMax = new AtomicInteger();
    /** Lower-case-insensitive bytes of the persistence cookie's name, or null. */
    final byte[] cookieName;
    private volatile boolean hasUsable;
    /** Header name for option forwardfor, or null. */
    final byte[] forwardForName;

    /** A request waiting for a server slot; {@link #wake()} is called from any thread. */
    interface Waiter {
        void wake();
    }

    BackendRuntime(ProxySection config, AtomicInteger serverIds) {
        this.config = config;
        this.balancer = Balancer.create(config.balance());
        this.forwardForName = config.forwardFor() == null ? null
                : config.forwardFor().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String cookie = config.cookie() == null ? null : config.cookie().name();
        this.cookieName = cookie == null ? null : cookie.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<ServerRuntime> list = new ArrayList<>();
        for (ServerConfig sc : config.servers()) {
            ServerRuntime s = new ServerRuntime(sc, this, serverIds.getAndIncrement(), cookie);
            list.add(s);
            if (sc.cookie() != null) {
                byCookie.putIfAbsent(sc.cookie(), s);
            }
        }
        this.servers = List.copyOf(list);
        serverStateChanged();
    }

    public String name() {
        return config.name();
    }

    /**
     * Recomputes the eligible servers: the usable normal servers or, when there is none, the
     * first usable backup server (HAProxy's behaviour without option allbackups).
     */
    synchronized void serverStateChanged() {
        List<ServerRuntime> eligible = new ArrayList<>();
        for (ServerRuntime s : servers) {
            if (!s.config.backup() && s.isUsable()) {
                eligible.add(s);
            }
        }
        if (eligible.isEmpty()) {
            for (ServerRuntime s : servers) {
                if (s.config.backup() && s.isUsable()) {
                    eligible.add(s);
                    break;
                }
            }
        }
        hasUsable = !eligible.isEmpty();
        balancer.setServers(eligible);
        if (hasUsable) {
            // requests queued while nothing was up may now proceed
            slotFreed();
        }
    }

    boolean hasUsableServer() {
        return hasUsable;
    }

    /** Usable servers that are not backups (HAProxy's srv_act). */
    int activeServersUp() {
        int n = 0;
        for (ServerRuntime s : servers) {
            if (!s.config.backup() && s.isUsable()) {
                n++;
            }
        }
        return n;
    }

    ServerRuntime serverForCookie(String value) {
        return byCookie.get(value);
    }

    ServerRuntime pick(long hash, ServerRuntime exclude) {
        ServerRuntime s = balancer.pick(hash, exclude);
        if (s != null) {
            s.counters.lbtot.increment();
        }
        return s;
    }

    void enqueue(Waiter w) {
        int q = queued.incrementAndGet();
        int max = queueMax.get();
        while (q > max && !queueMax.compareAndSet(max, q)) {
            max = queueMax.get();
        }
        queue.add(w);
    }

    /** Removes a waiter that gave up (timeout, client gone); false if it was already woken. */
    boolean dequeue(Waiter w) {
        if (queue.remove(w)) {
            queued.decrementAndGet();
            return true;
        }
        return false;
    }

    /** A server slot became free: the oldest waiter gets to try again. */
    void slotFreed() {
        if (queued.get() == 0) {
            return;
        }
        Waiter w = queue.poll();
        if (w != null) {
            queued.decrementAndGet();
            w.wake();
        }
    }

    /**
     * Whether the given retry (1-based) should go to another server, per HAProxy's
     * "option redispatch INTERVAL" semantics: every Pth retry, or for -N every multiple of
     * (retries + 1 - N), which for -1 is the last retry (HAProxy's back_handle_st_cer()).
     */
    boolean redispatchOnRetry(int retry) {
        int interval = config.redispatchInterval();
        if (interval == 0) {
            return false;
        }
        int period = interval > 0 ? interval : config.retries() + 1 + interval;
        return period > 0 && retry % period == 0;
    }

    String serversLeftText() {
        int active = 0;
        int backup = 0;
        for (ServerRuntime s : servers) {
            if (s.isUsable()) {
                if (s.config.backup()) {
                    backup++;
                } else {
                    active++;
                }
            }
        }
        return active + " active and " + backup + " backup servers left";
    }
}
