package io.lifeline.agent.script;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.process.ScriptEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Heartbeat v1 resource script (from {@code /etc/ha.d/resource.d} or Lifeline's own
 * {@code resource-agents/}), called exactly as Heartbeat's ResourceManager calls it:
 * {@code script [arg1 arg2 ...] start|stop|status}, the arguments being the haresources
 * word's {@code ::} fields.
 *
 * <ul>
 *   <li>start, stop (and reload, which Lifeline adds): exit code 0 is success, anything else
 *       a generic error. Stop must succeed on a stopped resource.</li>
 *   <li>status: the exit code is ignored; stdout is read by {@link HeartbeatStatus}. A
 *       Heartbeat script cannot say "failed" apart from "not running"; both are
 *       {@link OcfStatus#NOT_RUNNING}, which for a resource that should be running is a
 *       failure the manager recovers from.</li>
 * </ul>
 */
public final class HeartbeatScriptAgent extends ScriptAgent {

    private final String type;
    private final List<String> args;
    private final Map<String, String> environment;

    /**
     * @param type     the haresources name, e.g. {@code nginx}
     * @param instance the whole haresources word
     * @param args     the word's {@code ::} fields, passed before the action
     */
    public HeartbeatScriptAgent(String type, String instance, Path script, List<String> args, ProcessRunner runner) {
        super(instance, script, runner);
        this.type = type;
        this.args = List.copyOf(args);
        this.environment = ScriptEnvironment.base();
    }

    @Override
    public String type() {
        return type;
    }

    public List<String> args() {
        return args;
    }

    @Override
    public AgentResult start(Duration timeout) {
        return exitCodeAction("start", timeout);
    }

    @Override
    public AgentResult stop(Duration timeout) {
        return exitCodeAction("stop", timeout);
    }

    @Override
    public AgentResult reload(Duration timeout) {
        return exitCodeAction("reload", timeout);
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        AgentResult missing = checkInstalled("status");
        if (missing != null) {
            return logged("status", missing, null);
        }
        ProcessResult r = run("status", command("status"), environment, timeout);
        if (!r.exited()) {
            return logged("status", unfinished("status", r), r);
        }
        OcfStatus status = HeartbeatStatus.parse(r.stdout());
        String said = firstLine(r.stdout());
        String message = said.isEmpty() ? "status printed nothing" : said;
        return logged("status", new AgentResult(status, message), r);
    }

    /** Heartbeat scripts have no validate action; this checks that the script can be run. */
    @Override
    public AgentResult validate(Duration timeout) {
        AgentResult missing = checkInstalled("validate");
        return missing != null ? missing : AgentResult.ok();
    }

    @Override
    public String metaData() {
        return syntheticMetaData(type, "Heartbeat-style resource script " + script,
                List.of("start", "stop", "status", "reload"));
    }

    private AgentResult exitCodeAction(String action, Duration timeout) {
        AgentResult missing = checkInstalled(action);
        if (missing != null) {
            return logged(action, missing, null);
        }
        ProcessResult r = run(action, command(action), environment, timeout);
        if (!r.exited()) {
            return logged(action, unfinished(action, r), r);
        }
        AgentResult result = r.exitCode() == 0
                ? AgentResult.ok()
                : AgentResult.failed(OcfStatus.ERR_GENERIC, action + ": " + exitMessage(r));
        return logged(action, result, r);
    }

    private List<String> command(String action) {
        List<String> command = new ArrayList<>(args.size() + 2);
        command.add(script.toString());
        command.addAll(args);
        command.add(action);
        return command;
    }
}
