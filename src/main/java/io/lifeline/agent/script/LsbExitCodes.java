package io.lifeline.agent.script;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;

/**
 * The LSB init-script exit codes (LSB Core, "Init Script Actions") mapped to results.
 *
 * <p>status: 0 running, 1 dead but a pid file exists, 2 dead but a lock file exists,
 * 3 not running, 4 status unknown. 1, 2 and 4 are failures, not "not running": the service
 * died or is in an unknown state and needs recovery, not a clean start.
 *
 * <p>Other actions: 0 success; 1 generic error, 2 invalid arguments, 3 unimplemented,
 * 4 insufficient privilege, 5 not installed, 6 not configured, 7 not running, which are the
 * same numbers as the OCF codes. Stop on a stopped service must exit 0; a stop exiting 7
 * ("not running") still reports that the service is down, so, as Pacemaker does, it counts
 * as a successful stop (with a note that the script is not LSB-compliant).
 */
public final class LsbExitCodes {

    private LsbExitCodes() {
    }

    public static AgentResult status(int exitCode) {
        return switch (exitCode) {
            case 0 -> AgentResult.ok("running");
            case 1 -> AgentResult.failed(OcfStatus.ERR_GENERIC, "dead but pid file exists (status exit code 1)");
            case 2 -> AgentResult.failed(OcfStatus.ERR_GENERIC, "dead but lock file exists (status exit code 2)");
            case 3 -> AgentResult.notRunning("stopped");
            case 4 -> AgentResult.failed(OcfStatus.ERR_GENERIC, "status unknown (status exit code 4)");
            default -> AgentResult.failed(OcfStatus.ERR_GENERIC, "unexpected status exit code " + exitCode);
        };
    }

    /** Maps start, stop, reload exit codes; {@code detail} is appended to failures. */
    public static AgentResult action(String action, int exitCode, String detail) {
        if (exitCode == 0) {
            return AgentResult.ok();
        }
        if (action.equals("stop") && exitCode == 7) {
            return AgentResult.ok("stop exited 7 (not running) instead of 0; treated as stopped, but the script "
                    + "is not LSB-compliant");
        }
        OcfStatus status = exitCode >= 1 && exitCode <= 7 ? OcfStatus.fromCode(exitCode) : OcfStatus.ERR_GENERIC;
        if (status == OcfStatus.NOT_RUNNING) {
            // "not running" is no answer to start or reload: the action failed
            status = OcfStatus.ERR_GENERIC;
        }
        return AgentResult.failed(status, action + ": " + detail);
    }
}
