package io.lifeline.cluster;

/**
 * Receives cluster events in order, on a single Lifeline thread (never a JGroups thread). A slow
 * listener delays later events but never the heartbeat traffic.
 */
@FunctionalInterface
public interface ClusterListener {
    void onEvent(ClusterEvent event);
}
