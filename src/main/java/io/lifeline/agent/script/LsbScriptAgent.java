package io.lifeline.agent.script;

import io.lifeline.agent.AgentResult;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.process.ScriptEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An LSB init script from {@code /etc/init.d}: {@code script start|stop|status|reload}, no
 * arguments, judged by exit code alone ({@link LsbExitCodes}).
 */
public final class LsbScriptAgent extends ScriptAgent {

    private final String type;
    private final Map<String, String> environment;

    /**
     * @param type     as the user wrote it: {@code lsb:nginx}, or {@code nginx} when found in init.d
     * @param instance the whole haresources word
     */
    public LsbScriptAgent(String type, String instance, Path script, ProcessRunner runner) {
        super(instance, script, runner);
        this.type = type;
        this.environment = ScriptEnvironment.base();
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public AgentResult start(Duration timeout) {
        return action("start", timeout);
    }

    @Override
    public AgentResult stop(Duration timeout) {
        return action("stop", timeout);
    }

    @Override
    public AgentResult reload(Duration timeout) {
        return action("reload", timeout);
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        AgentResult missing = checkInstalled("status");
        if (missing != null) {
            return logged("status", missing, null);
        }
        ProcessResult r = run("status", List.of(script.toString(), "status"), environment, timeout);
        if (!r.exited()) {
            return logged("status", unfinished("status", r), r);
        }
        return logged("status", LsbExitCodes.status(r.exitCode()), r);
    }

    /** LSB scripts have no validate action; this checks that the script can be run. */
    @Override
    public AgentResult validate(Duration timeout) {
        AgentResult missing = checkInstalled("validate");
        return missing != null ? missing : AgentResult.ok();
    }

    @Override
    public String metaData() {
        return syntheticMetaData(type, "LSB init script " + script, List.of("start", "stop", "status", "reload"));
    }

    private AgentResult action(String action, Duration timeout) {
        AgentResult missing = checkInstalled(action);
        if (missing != null) {
            return logged(action, missing, null);
        }
        ProcessResult r = run(action, List.of(script.toString(), action), environment, timeout);
        if (!r.exited()) {
            return logged(action, unfinished(action, r), r);
        }
        AgentResult result = LsbExitCodes.action(action, r.exitCode(), exitMessage(r));
        if (result.isSuccess() && !result.message().isEmpty()) {
            log.warn("{}: {}", instance, result.message());
        }
        return logged(action, result, r);
    }
}
