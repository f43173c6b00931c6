package io.lifeline.proxy;

import io.lifeline.proxy.config.ProxyConfig;
import io.lifeline.proxy.config.ProxySection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: event loops, listeners, and the run-time model (frontends, backends,
 * servers, health checks) built from a {@link ProxyConfig}. Usable on its own ({@code hactl
 * proxy}) or inside Lifeline as the {@code Proxy} resource.
 *
 * <p>A reload builds a new model and swaps it in: listeners on unchanged addresses are kept
 * (no connection is refused meanwhile), new connections use the new model, requests in flight
 * finish on the old one, and keep-alive connections of the old model close after their next
 * response so that clients reconnect to the new configuration; none is cut.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final EventLoop[] loops;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger serverIds = new AtomicInteger();
    private volatile Model model;
    private volatile boolean stopping;
    private final StatsService stats = new StatsService(this);
    private final Object lifecycle = new Object();

    /** Everything built from one configuration. */
    record Model(ProxyConfig config, Map<String, FrontendRuntime> frontends, Map<String, BackendRuntime> backends,
                 List<Listener> listeners, List<HealthCheck> checks, List<Object> sectionsInOrder) {
        int maxconn() {
            return config.maxconn();
        }
    }

    private ProxyServer(int threads) throws IOException {
        loops = new EventLoop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new EventLoop(this, i, 64);
        }
    }

    /** Binds every frontend and starts serving; a bind failure stops everything and is thrown. */
    public static ProxyServer start(ProxyConfig config) throws IOException {
        ProxyServer p = new ProxyServer(config.nbthread());
        try {
            Model m = p.build(config, Map.of());
            p.model = m;
            for (EventLoop l : p.loops) {
                l.start();
            }
            p.attachListeners(m.listeners);
            m.checks.forEach(HealthCheck::start);
        } catch (IOException | RuntimeException e) {
            p.closeNow();
            throw e;
        }
        log.info("proxy started from {}: {} frontend(s), {} backend(s), {} thread(s)", config.source(),
                config.frontends().size(), config.backends().size(), config.nbthread());
        return p;
    }

    private Model build(ProxyConfig config, Map<InetSocketAddress, Listener> reusable) throws IOException {
        Map<String, BackendRuntime> backends = new LinkedHashMap<>();
        Map<String, FrontendRuntime> frontends = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>();
        for (ProxySection s : config.backends()) {
            backends.put(s.name(), new BackendRuntime(s, serverIds));
        }
        for (ProxySection s : config.sections()) {
            if (s.isFrontend()) {
                FrontendRuntime fe = new FrontendRuntime(s, backends, stats);
                frontends.put(s.name(), fe);
                order.add(fe);
            }
            if (s.isBackend()) {
                order.add(backends.get(s.name()));
            }
        }
        List<Listener> listeners = new ArrayList<>();
        try {
            for (FrontendRuntime fe : frontends.values()) {
                for (InetSocketAddress a : fe.config.binds()) {
                    Listener old = reusable.get(a);
                    if (old != null) {
                        old.frontend = fe;
                        listeners.add(old);
                    } else {
                        listeners.add(Listener.bind(a, fe, loops.length));
                    }
                }
            }
        } catch (IOException e) {
            for (Listener l : listeners) {
                if (!reusable.containsValue(l)) {
                    l.close();
                }
            }
            throw e;
        }
        List<HealthCheck> checks = new ArrayList<>();
        for (BackendRuntime be : backends.values()) {
            for (ServerRuntime s : be.servers) {
                if (s.config.check() && !s.config.disabled()) {
                    // spread checks over the loops; each check lives on one loop
                    checks.add(new HealthCheck(s, loops[s.id % loops.length]));
                }
            }
        }
        return new Model(config, frontends, backends, listeners, checks, order);
    }

    private void attachListeners(List<Listener> listeners) throws IOException {
        for (EventLoop l : loops) {
            runOn(l, () -> {
                for (Listener li : listeners) {
                    li.attach(l);
                }
                return null;
            });
        }
    }

    /** Runs a task on a loop and waits for it (bounded), rethrowing its IOException. */
    private static <T> T runOn(EventLoop loop, IoCallable<T> task) throws IOException {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(task.call());
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the proxy loop");
        } catch (TimeoutException e) {
            throw new IOException("proxy loop " + loop.index + " did not answer within 10s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @FunctionalInterface
    private interface IoCallable<T> {
        T call() throws IOException;
    }

    /**
     * Swaps in a new configuration without dropping established connections. The thread
     * count is fixed at start; a different nbthread is reported and ignored until a restart.
     */
    public void reload(ProxyConfig config) throws IOException {
        synchronized (lifecycle) {
            if (stopping) {
                throw new IOException("proxy is stopping");
            }
            if (config.nbthread() != loops.length) {
                log.warn("nbthread changed from {} to {}: takes effect only after a restart", loops.length, config.nbthread());
            }
            Model old = model;
            Map<InetSocketAddress, Listener> reusable = new HashMap<>();
            old.listeners.forEach(l -> reusable.put(l.address, l));
            Model next = build(config, reusable);
            List<Listener> fresh = next.listeners.stream().filter(l -> !old.listeners.contains(l)).toList();
            List<Listener> gone = old.listeners.stream().filter(l -> !next.listeners.contains(l)).toList();
            attachListeners(fresh);
            model = next;
            old.checks.forEach(HealthCheck::stop);
            next.checks.forEach(HealthCheck::start);
            // connections of the old model stay open: each serves at most one more request
            // (with the old routing) and closes after its response, so clients reconnect
            old.frontends.values().forEach(f -> f.retired = true);
            for (EventLoop l : loops) {
                runOn(l, () -> {
                    gone.forEach(li -> li.detach(l));
                    return null;
                });
            }
            gone.forEach(Listener::close);
            log.info("proxy reloaded from {}", config.source());
        }
    }

    Model model() {
        return model;
    }

    public ProxyConfig config() {
        return model.config();
    }

    boolean isStopping() {
        return stopping;
    }

    /** Counts a new connection if the global and frontend limits allow it. */
    boolean tryAdmit(FrontendRuntime fe) {
        int max = model.maxconn();
        int feMax = fe.config.maxconn();
        if (feMax > 0 && fe.counters.scur.get() >= feMax) {
            return false;
        }
        while (true) {
            int cur = connections.get();
            if (cur >= max) {
                return false;
            }
            if (connections.compareAndSet(cur, cur + 1)) {
                return true;
            }
        }
    }

    void release(FrontendRuntime fe) {
        connections.decrementAndGet();
    }

    void connectionClosed(EventLoop loop) {
        connections.decrementAndGet();
        resumeListenersIfBelowLimit(loop);
    }

    void resumeListenersIfBelowLimit(EventLoop loop) {
        Model m = model;
        if (connections.get() < m.maxconn()) {
            for (Listener l : m.listeners) {
                int feMax = l.frontend.config.maxconn();
                if (feMax == 0 || l.frontend.counters.scur.get() < feMax) {
                    l.resume(loop);
                }
            }
        }
    }

    /** The addresses a frontend (or listen section) is bound to, with actual ports. */
    public List<InetSocketAddress> boundAddresses(String frontend) {
        return model.listeners.stream().filter(l -> l.frontend.name().equals(frontend)).map(l -> l.address).toList();
    }

    /** Every bound address. */
    public List<InetSocketAddress> boundAddresses() {
        return model.listeners.stream().map(l -> l.address).toList();
    }

    /**
     * Checks that every listener accepts connections by connecting to it; returns the first
     * address that does not, or null when all do.
     */
    public InetSocketAddress firstDeadListener(Duration timeout) {
        for (Listener l : model.listeners) {
            if (!l.channel.isOpen()) {
                return l.address;
            }
            InetSocketAddress target = l.address.getAddress().isAnyLocalAddress()
                    ? new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), l.address.getPort()) : l.address;
            try (Socket s = new Socket()) {
                s.connect(target, (int) Math.max(1, timeout.toMillis()));
            } catch (IOException e) {
                return l.address;
            }
        }
        return null;
    }

    /** The stats rows (as on the stats page), for tools and tests. */
    public List<Map<String, Object>> statsRows() {
        return stats.rows();
    }

    public String statsCsv() {
        return StatsService.csv(stats.rows());
    }

    /** Large buffers the loops have lent out (read on each loop's thread); tests use it to find leaks. */
    int largeBuffersLent() throws IOException {
        int n = 0;
        for (EventLoop l : loops) {
            n += runOn(l, l::largeBuffersLent);
        }
        return n;
    }

    /**
     * Stops accepting, lets requests in flight finish for up to {@code grace}, then closes
     * everything. Idle keep-alive connections are closed at once.
     */
    public void stop(Duration grace) {
        synchronized (lifecycle) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        Model m = model;
        m.checks.forEach(HealthCheck::stop);
        for (EventLoop l : loops) {
            try {
                runOn(l, () -> {
                    m.listeners.forEach(li -> li.detach(l));
                    return null;
                });
            } catch (IOException e) {
                log.warn("stopping loop {}: {}", l.index, e.getMessage());
            }
        }
        m.listeners.forEach(Listener::close);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            int busy = 0;
            for (EventLoop l : loops) {
                try {
                    busy += runOn(l, () -> {
                        int[] n = {0};
                        l.forEachSession(s -> {
                            if (s.isIdle()) {
                                s.close();
                            } else {
                                n[0]++;
                            }
                        });
                        return n[0];
                    });
                } catch (IOException e) {
                    log.warn("stopping loop {}: {}", l.index, e.getMessage());
                }
            }
            if (busy == 0) {
                break;
            }
            try {
                Thread.sleep(20); // polling the loops while requests drain; bounded by grace
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeNow();
        log.info("proxy stopped");
    }

    private void closeNow() {
        stopping = true;
        for (EventLoop l : loops) {
            l.stopLoop();
        }
        for (EventLoop l : loops) {
            try {
                l.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Model m = model;
        if (m != null) {
            m.listeners.forEach(Listener::close);
        }
    }

    public boolean isRunning() {
        return !stopping;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
