package io.lifeline.agent;

/**
 * The outcome of one agent action: an OCF status and a one-line reason for humans
 * ("address 198.51.100.10 already answered by 02:00:00:00:00:02").
 */
public record AgentResult(OcfStatus status, String message) {

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
