package io.lifeline.manager;

import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.notify.Notification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the manager wants done, in order. Agent actions carry an {@code opId}; their outcome
 * must come back as {@link ManagerInput.ActionCompleted} with the same id. The manager never
 * has two agent actions in flight for one group.
 */
public sealed interface ManagerAction {

    /** A short, stable text form used in logs and scenario tests, e.g. {@code start web/nginx}. */
    String describe();

    /**
     * @param handover         the last possible holder confirmed its release: checks for a live
     *                         owner elsewhere may be skipped
     * @param mayUseProbeAhead a takeover from holders that left the membership while running the
     *                         group steadily: a clean live-owner check run ahead, while they were
     *                         suspected, may stand in for the start's own
     *                         ({@link io.lifeline.agent.ProbesAhead})
     */
    record StartResource(long opId, String group, ResourceSpec resource, Duration timeout, boolean handover,
                         boolean mayUseProbeAhead)
            implements ManagerAction {
        @Override
        public String describe() {
            return "start " + group + "/" + resource.word();
        }
    }

    record StopResource(long opId, String group, ResourceSpec resource, Duration timeout) implements ManagerAction {
        @Override
        public String describe() {
            return "stop " + group + "/" + resource.word();
        }
    }

    /**
     * Apply changed parameters to a running resource through its agent's reload (OCF
     * {@code reload-agent} or {@code reload}) instead of a restart; {@code resource} is the new word.
     */
    record ReloadResource(long opId, String group, ResourceSpec resource, Duration timeout) implements ManagerAction {
        @Override
        public String describe() {
            return "reload " + group + "/" + resource.word();
        }
    }

    /** A monitor; {@code probe} marks the one-off check of whether a resource already runs here. */
    record MonitorResource(long opId, String group, ResourceSpec resource, Duration timeout, boolean probe)
            implements ManagerAction {
        @Override
        public String describe() {
            return (probe ? "probe " : "monitor ") + group + "/" + resource.word();
        }
    }

    /** Send this report to every peer. */
    record BroadcastReport(StateReport report) implements ManagerAction {
        @Override
        public String describe() {
            return report.released().isEmpty() ? "report" : "report released=" + report.released();
        }
    }

    /**
     * Tell the network again that this node serves the group: an agent action like the others
     * (one in flight per group), run by every resource whose agent announces itself (gratuitous
     * ARP or unsolicited NA for a VIP; a no-op success for the rest), in order, with one
     * {@link ManagerInput.ActionCompleted} for the whole group: the first failure, else success.
     */
    record Reannounce(long opId, String group, List<ResourceSpec> resources, Duration timeout, String reason)
            implements ManagerAction {
        public Reannounce {
            resources = List.copyOf(resources);
        }

        @Override
        public String describe() {
            return "reannounce " + group;
        }
    }

    /** Run the notify hooks for one transition (they run in this order, one at a time). */
    record RunNotify(Notification notification) implements ManagerAction {
        @Override
        public String describe() {
            return "notify " + notification.transition().word() + " " + notification.group();
        }
    }

    /** A stop failed: run the fence hook so this node can be made safe (e.g. rebooted). */
    record RunFenceHook(Path hook, String group, String resource, String reason) implements ManagerAction {
        @Override
        public String describe() {
            return "fence " + group + "/" + resource;
        }
    }

    /**
     * Fence a peer that left the membership while it may have held {@code groups}, before this
     * node starts any of them: run {@code hook} with no arguments and the ClusterLabs
     * fence-agent convention on stdin ({@code action=reboot}, {@code port=}/{@code plug=}/{@code
     * nodename=} the peer, then {@code options}); the result must come back as
     * {@link ManagerInput.FenceCompleted} with the same {@code fenceId}, within {@code timeout}.
     */
    record RunPeerFence(long fenceId, Path hook, String node, List<String> groups, Duration timeout,
                        java.util.Map<String, String> options, String reason) implements ManagerAction {
        public RunPeerFence {
            groups = List.copyOf(groups);
            options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
        }

        @Override
        public String describe() {
            return "fence " + node;
        }
    }

    /** Write this event to the log (it is also kept in the manager's bounded event log). */
    record LogEvent(ManagerEvent event) implements ManagerAction {
        @Override
        public String describe() {
            return "event " + event;
        }
    }

    /** The answer to an operator command. */
    record AnswerCommand(long requestId, boolean accepted, String message) implements ManagerAction {
        @Override
        public String describe() {
            return (accepted ? "accepted: " : "rejected: ") + message;
        }
    }
}
