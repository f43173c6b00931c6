package io.lifeline.agent;

/**
 * The outcome of one agent action: an OCF status and a one-line reason for humans
 * ("address 198.51.100.10 already answered by 02:00:00:00:00:02").
 *
 * @param conflict      the action was refused because another host holds the resource (a VIP's
 *                      address answered the duplicate-address probe); nothing was changed here.
 *                      The status is still an error for OCF callers, but the manager takes it as
 *                      evidence that the holder is alive, not as a failure of this node.
 * @param configChanged a monitor found the resource running, and its own configuration (a file
 *                      the agent loaded it with, such as haproxy.cfg) changed since it was loaded.
 *                      The monitor only says so; the manager decides whether the agent's
 *                      {@link ResourceAgent#reload} runs (monitors observe and never act).
 */
public record AgentResult(OcfStatus status, String message, boolean conflict, boolean configChanged) {

    public AgentResult(OcfStatus status, String message, boolean conflict) {
        this(status, message, conflict, false);
    }

    public AgentResult(OcfStatus status, String message) {
        this(status, message, false, false);
    }

    /** Refused, changing nothing, because another host holds the resource. */
    public static AgentResult conflict(String message) {
        return new AgentResult(OcfStatus.ERR_GENERIC, message, true);
    }

    /** A monitor's answer: running, and its configuration changed since it was loaded (reload wanted). */
    public static AgentResult runningWithChangedConfig(String message) {
        return new AgentResult(OcfStatus.SUCCESS, message, false, true);
    }

    public static AgentResult ok() {
        return new AgentResult(OcfStatus.SUCCESS, "");
    }

    public static AgentResult ok(String message) {
        return new AgentResult(OcfStatus.SUCCESS, message);
    }

    public static AgentResult notRunning(String message) {
        return new AgentResult(OcfStatus.NOT_RUNNING, message);
    }

    public static AgentResult failed(OcfStatus status, String message) {
        return new AgentResult(status, message);
    }

    public boolean isSuccess() {
        return status == OcfStatus.SUCCESS;
    }

    @Override
    public String toString() {
        return message.isEmpty() ? status.description() : status.description() + ": " + message;
    }
}
