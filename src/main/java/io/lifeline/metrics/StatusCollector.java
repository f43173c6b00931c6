package io.lifeline.metrics;

import io.lifeline.agent.AgentDetails;
import io.lifeline.cluster.ClusterStatus;
import io.lifeline.manager.ManagerStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the live status once per scrape, the same way the control socket's {@code status}
 * command does, and turns it into metric families ({@link StatusMetrics}). One collector for
 * all families rather than a callback per metric: every sample of a scrape comes from the same
 * snapshot, and the manager thread is asked once, not once per metric.
 */
public final class StatusCollector implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(StatusCollector.class);

    /** A status query that may time out (the cluster's and the manager's own threads answer it). */
    @FunctionalInterface
    public interface Query<T> {
        T get() throws TimeoutException;
    }

    private final String version;
    private final Query<ClusterStatus> cluster;
    private final Query<ManagerStatus> manager;
    private final Supplier<Map<String, AgentDetails>> details;

    public StatusCollector(String version, Query<ClusterStatus> cluster, Query<ManagerStatus> manager,
                           Supplier<Map<String, AgentDetails>> details) {
        this.version = version;
        this.cluster = cluster;
        this.manager = manager;
        this.details = details;
    }

    @Override
    public MetricSnapshots collect() {
        ClusterStatus c;
        try {
            c = cluster.get();
        } catch (TimeoutException e) {
            // the scrape fails (HTTP 500), which Prometheus records as up == 0: nothing to report
            throw new IllegalStateException("the cluster layer did not answer in time", e);
        }
        ManagerStatus m;
        try {
            m = manager.get();
        } catch (TimeoutException | RuntimeException e) {
            LOG.warn("metrics scrape: the resource manager did not answer ({}); its metrics are left out", e.toString());
            m = null;
        }
        return StatusMetrics.of(version, c, m, details.get());
    }
}
