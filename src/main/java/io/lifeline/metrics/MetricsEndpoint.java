package io.lifeline.metrics;

import io.lifeline.agent.OcfStatus;
import io.lifeline.thread.NamedThreads;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP listener (ha.cf {@code http_listen}): {@code /metrics} in the Prometheus
 * text format, served by the Prometheus client's HTTPServer on the JDK's
 * com.sun.net.httpserver, and the live status page ({@link StatusPage}: {@code /},
 * {@code /status.json}, {@code /events.json}). Without {@code http_listen} it does nothing and
 * loads none of the Prometheus classes, nor the status page's (its operator actions hold an
 * ObjectMapper and a SecureRandom: about 300 Jackson classes and the security providers, CPU a
 * restarted daemon would spend before it joins; bench/start).
 *
 * <p>A listener that cannot bind (port taken) is logged as an error and the daemon runs on
 * without it: high availability must not depend on an observability port.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** Scrapes waiting for the one serving thread; beyond that the dispatcher serves them itself (back-pressure). */
    private static final int QUEUED_SCRAPES = 16;

    private final InetSocketAddress address;
    private final Supplier<StatusCollector> status;
    private final Supplier<StatusPage> pageFactory;
    private StatusPage page;
    private final ActionMetrics actions;
    private HTTPServer server;

    private MetricsEndpoint(InetSocketAddress address, Supplier<StatusCollector> status, Supplier<StatusPage> page) {
        this.address = address;
        this.status = status;
        this.pageFactory = page;
        this.actions = address == null ? null : new ActionMetrics();
    }

    /**
     * An endpoint for {@code listen}, or one that does nothing when it is empty.
     *
     * @param status makes the collector of the live status, called once by {@link #start()}
     * @param page   makes the status page served beside /metrics, called once by {@link #start()}
     */
    public static MetricsEndpoint of(Optional<InetSocketAddress> listen, Supplier<StatusCollector> status,
                                     Supplier<StatusPage> page) {
        return new MetricsEndpoint(listen.orElse(null), status, page);
    }

    /** See {@link ActionMetrics#record}. */
    public void actionDone(String group, String resource, String action, OcfStatus result, long nanos) {
        if (actions != null) {
            actions.record(group, resource, action, result, nanos);
        }
    }

    /** Starts listening; logs and returns false when it cannot. */
    public boolean start() {
        if (address == null) {
            return true;
        }
        page = pageFactory.get();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(status.get());
        actions.registerOn(registry);
        // One thread: Prometheus scrapes one at a time, and each thread costs memory the 96 MB
        // daemon would rather keep (the library's default pool has ten).
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_SCRAPES), NamedThreads.daemon("metrics"),
                new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            server = HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort())
                    .registry(registry).executorService(executor).defaultHandler(this::other)
                    .buildAndStart();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            LOG.error("http_listen {}: cannot listen ({}); running without /metrics", describe(), e.toString());
            return false;
        }
        LOG.info("serving /metrics on http://{}/metrics and the status page on http://{}/", describe(), describe());
        return true;
    }

    /**
     * Every path but /metrics and /-/healthy (the library's): the status page's, else 404. The
     * library's own default page would answer every path with 200 and an HTML form.
     */
    private void other(HttpExchange exchange) throws IOException {
        if (!page.handle(exchange)) {
            StatusPage.send(exchange, 404, "text/plain; charset=utf-8",
                    "not found: the status page is at /, the metrics at /metrics\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The bound port (the ephemeral one when http_listen said 0, as tests do), or -1 when not listening. */
    int port() {
        return server == null ? -1 : server.getPort();
    }

    private String describe() {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
