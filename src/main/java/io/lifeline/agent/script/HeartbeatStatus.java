package io.lifeline.agent.script;

import io.lifeline.agent.OcfStatus;
import java.util.regex.Pattern;

/**
 * Reads the answer of a Heartbeat-style {@code status} action. Heartbeat ignores the exit code
 * and matches the script's stdout as ResourceManager's {@code we_own_resource} does:
 *
 * <pre>
 *   case `$spath $arg status` in
 *     *[Nn][Oo][Tt]\ *[Rr]unning*)  not running;;
 *     *[Rr]unning*|*OK*)           running;;
 *     *)                           not running;;
 * </pre>
 *
 * So "not" in any case, a space, then anything, then "running" or "Running" means not running;
 * otherwise "running"/"Running" anywhere, or "OK" in capitals, means running; anything else,
 * empty output included, means not running. Like Pacemaker's re-implementation of this class,
 * "stopped" ("Stopped") also means not running, checked before the running words, so that
 * "nginx stopped (was running)" is not read as running.
 */
public final class HeartbeatStatus {

    private static final Pattern NOT_RUNNING = Pattern.compile("[Nn][Oo][Tt] .*[Rr]unning", Pattern.DOTALL);
    private static final Pattern STOPPED = Pattern.compile("[Ss]topped");
    private static final Pattern RUNNING = Pattern.compile("[Rr]unning|OK");

    private HeartbeatStatus() {
    }

    /** {@link OcfStatus#SUCCESS} if the output says running, else {@link OcfStatus#NOT_RUNNING}. */
    public static OcfStatus parse(String stdout) {
        if (NOT_RUNNING.matcher(stdout).find() || STOPPED.matcher(stdout).find()) {
            return OcfStatus.NOT_RUNNING;
        }
        return RUNNING.matcher(stdout).find() ? OcfStatus.SUCCESS : OcfStatus.NOT_RUNNING;
    }
}
