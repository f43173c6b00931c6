package io.lifeline.metrics;

import io.lifeline.agent.OcfStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * How long agent actions (start, stop, monitor, probe) took and how they ended, as the daemon's
 * runtime measured them around each agent call. The only metrics kept between scrapes: the
 * status snapshot holds no durations.
 */
public final class ActionMetrics {

    /** 1 ms to 2 min: a VIP's monitor takes well under a millisecond, a database's stop minutes. */
    private static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Histogram durations = Histogram.builder()
            .name("lifeline_resource_action_duration_seconds")
            .help("How long the resource agent's start, stop, monitor or probe took on this node")
            .labelNames("group", "resource", "action")
            .classicOnly().classicUpperBounds(BUCKETS).withoutExemplars()
            .build();
    private final Counter results = Counter.builder()
            .name("lifeline_resource_actions_total")
            .help("Resource agent actions run on this node, by OCF result (success, not_running, err_generic, ...)")
            .labelNames("group", "resource", "action", "result")
            .withoutExemplars()
            .build();

    /** Called by the runtime when an action ends; cheap and never blocking. */
    public void record(String group, String resource, String action, OcfStatus result, long nanos) {
        durations.labelValues(group, resource, action).observe(nanos / 1e9);
        results.labelValues(group, resource, action, Words.lower(result)).inc();
    }

    void registerOn(PrometheusRegistry registry) {
        registry.register(durations);
        registry.register(results);
    }
}
