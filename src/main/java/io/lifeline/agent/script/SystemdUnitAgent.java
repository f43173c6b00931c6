package io.lifeline.agent.script;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.process.ScriptEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit driven through {@code systemctl}, written {@code systemd:NAME} in haresources
 * ({@code .service} is implied when NAME has no unit suffix). Like Pacemaker, Lifeline starts
 * and stops the unit but never enables it: the cluster, not boot, decides where it runs.
 *
 * <ul>
 *   <li>start / stop / reload: {@code systemctl start|stop|reload UNIT}, which wait for the
 *       job to finish; exit 0 is success. Stopping a unit that does not exist succeeds.</li>
 *   <li>monitor: {@code systemctl is-active UNIT}: active, reloading and activating are
 *       running; inactive is not running; failed, deactivating and anything else are failures.</li>
 *   <li>validate: {@code systemctl show -p LoadState --value UNIT} must say {@code loaded}.</li>
 * </ul>
 */
public final class SystemdUnitAgent extends ScriptAgent {

    /** systemctl's exit code for "unit not loaded / not found" (LSB 5, program not installed). */
    private static final int UNIT_NOT_FOUND = 5;

    private final String unit;
    private final Map<String, String> environment;

    /**
     * @param systemctl path of the systemctl binary
     * @param name      the unit, with or without {@code .service}
     */
    public SystemdUnitAgent(String instance, Path systemctl, String name, ProcessRunner runner) {
        super(instance, systemctl, runner);
        this.unit = name.contains(".") ? name : name + ".service";
        this.environment = ScriptEnvironment.base();
    }

    @Override
    public String type() {
        return "systemd:" + unit;
    }

    public String unit() {
        return unit;
    }

    @Override
    public AgentResult start(Duration timeout) {
        return job("start", timeout);
    }

    @Override
    public AgentResult stop(Duration timeout) {
        return job("stop", timeout);
    }

    @Override
    public AgentResult reload(Duration timeout) {
        return job("reload", timeout);
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        ProcessResult r = run("monitor", List.of(script.toString(), "is-active", unit), environment, timeout);
        if (!r.exited()) {
            return logged("monitor", unfinished("monitor", r), r);
        }
        String state = firstLine(r.stdout());
        AgentResult result = switch (state) {
            case "active", "reloading", "activating" -> AgentResult.ok(unit + " is " + state);
            case "inactive" -> AgentResult.notRunning(unit + " is inactive");
            case "failed" -> AgentResult.failed(OcfStatus.ERR_GENERIC, unit + " has failed");
            default -> AgentResult.failed(OcfStatus.ERR_GENERIC, unit + " is in state '" + state + "' ("
                    + exitMessage(r) + ")");
        };
        return logged("monitor", result, r);
    }

    @Override
    public AgentResult validate(Duration timeout) {
        ProcessResult r = run("validate", List.of(script.toString(), "show", "-p", "LoadState", "--value", unit),
                environment, timeout);
        if (!r.exited()) {
            return unfinished("validate", r);
        }
        String loadState = firstLine(r.stdout());
        if (r.exitCode() == 0 && loadState.equals("loaded")) {
            return AgentResult.ok();
        }
        if (loadState.equals("not-found")) {
            return AgentResult.failed(OcfStatus.ERR_INSTALLED, "no unit " + unit);
        }
        if (loadState.equals("masked")) {
            return AgentResult.failed(OcfStatus.ERR_CONFIGURED, unit + " is masked");
        }
        return AgentResult.failed(OcfStatus.ERR_GENERIC, unit + ": load state '" + loadState + "' ("
                + exitMessage(r) + ")");
    }

    @Override
    public String metaData() {
        return syntheticMetaData(type(), "systemd unit " + unit, List.of("start", "stop", "monitor", "reload"));
    }

    private AgentResult job(String action, Duration timeout) {
        ProcessResult r = run(action, List.of(script.toString(), action, unit), environment, timeout);
        if (!r.exited()) {
            return logged(action, unfinished(action, r), r);
        }
        AgentResult result;
        if (r.exitCode() == 0) {
            result = AgentResult.ok();
        } else if (action.equals("stop") && r.exitCode() == UNIT_NOT_FOUND) {
            result = AgentResult.ok("no unit " + unit + ", so nothing runs");
        } else {
            result = AgentResult.failed(OcfStatus.ERR_GENERIC, action + ": " + exitMessage(r));
        }
        return logged(action, result, r);
    }
}
