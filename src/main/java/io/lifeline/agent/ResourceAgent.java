package io.lifeline.agent;

import java.time.Duration;

/**
 * One configured resource instance (a haresources word) and the actions the manager can run
 * on it. Implementations execute; they never decide placement.
 *
 * <p>Contract, as in OCF: start and stop are idempotent (start on a running resource and stop
 * on a stopped one succeed); start returns only when the resource is fully up and stop only
 * when it is fully down; monitor returns {@link OcfStatus#SUCCESS} when running,
 * {@link OcfStatus#NOT_RUNNING} when cleanly stopped and an error status when failed. Every
 * action must finish within the given timeout; on timeout it returns
 * {@link OcfStatus#ERR_GENERIC} with a message saying so, and leaves no process behind.
 */
public interface ResourceAgent {

    /** The agent type as a user would write it: {@code IPaddr2}, {@code ocf:heartbeat:nginx}, {@code lsb:nginx}. */
    String type();

    /** The instance id: the haresources word it came from. */
    String instance();

    AgentResult start(Duration timeout);

    AgentResult stop(Duration timeout);

    /**
     * The recurring health check. A monitor observes and never acts: it changes nothing on the
     * host. When the resource runs but its own configuration changed since it was loaded (an
     * edited haproxy.cfg), it says so with {@link AgentResult#runningWithChangedConfig}, and the
     * manager issues {@link #reload} as an action of its own (docs/manager.md "Reload").
     */
    AgentResult monitor(Duration timeout);

    /**
     * A one-off monitor that finds out whether the resource is already running here, e.g. when
     * the daemon starts or before a takeover, rather than a recurring health check. Agents
     * that distinguish the two (OCF agents see {@code OCF_RESKEY_CRM_meta_interval=0}) answer
     * {@link OcfStatus#NOT_RUNNING} rather than an error when, say, their software is not
     * installed on this node. The default is a plain {@link #monitor}.
     */
    default AgentResult probe(Duration timeout) {
        return monitor(timeout);
    }

    /** Checks the configuration without touching the running system. */
    AgentResult validate(Duration timeout);

    /**
     * Applies a changed configuration to the running resource in place. The manager asks for it
     * ({@code ReloadResource}) in two cases: after a configuration reload that changed only the
     * parameters the agent reloads ({@link AgentHints#reload()} says which), instead of a restart
     * (docs/reload.md), called on the resource's new word; and after a monitor reported the
     * resource's own configuration changed ({@link AgentResult#configChanged()}). In the second
     * case a new configuration the agent refuses must leave the resource running as it was, and
     * the answer is {@link OcfStatus#ERR_CONFIGURED}: the manager then warns and keeps it running
     * rather than recovering it.
     */
    default AgentResult reload(Duration timeout) {
        return AgentResult.failed(OcfStatus.ERR_UNIMPLEMENTED, type() + " has no reload action");
    }

    /** OCF meta-data XML describing the agent's parameters and actions. */
    String metaData();

    /**
     * Runs the code of the start path once without changing anything, so that the first real
     * start after the daemon came up (a failback right after it rejoined, the first takeover a
     * standby ever does) is as fast as later ones instead of paying for class loading and
     * first-call linking: the built-in VIP's first start took 20 ms, later ones 1-2 ms. Called
     * once, on an agent thread, before the resource's first probe. Agents that start programs
     * have nothing to prepare; failures are for the real start to report.
     */
    default void warmUp(Duration timeout) {
    }

    /**
     * The agent's own recommendations for action timeouts and the monitor interval (from OCF
     * meta-data), and which parameters it reloads in place. The recommendations are advice that
     * {@code hactl check-config} holds the applied timeouts against; the manager's timeouts come
     * from ha.cf alone ({@link AgentHints} says why). Empty by default.
     */
    default AgentHints hints() {
        return AgentHints.NONE;
    }

    /**
     * Live details for {@code hactl status}, read while the resource runs. Called from the
     * status thread, concurrently with actions: implementations return a consistent snapshot
     * quickly, without running commands. Empty by default.
     */
    default AgentDetails details() {
        return AgentDetails.NONE;
    }
}
