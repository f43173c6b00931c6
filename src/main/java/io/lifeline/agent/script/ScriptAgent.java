package io.lifeline.agent.script;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.Durations;
import io.lifeline.process.ProcessRequest;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What the Heartbeat, LSB and OCF script agents share: running one action of one script
 * through the {@link ProcessRunner}, turning a timeout or a missing script into a result, and
 * logging each action's outcome with the resource's word as prefix.
 */
abstract class ScriptAgent implements ResourceAgent {

    /** Actions that change the system: their output and outcome are logged at INFO. */
    private static final Set<String> CHANGING_ACTIONS = Set.of("start", "stop", "reload");
    private static final int MAX_MESSAGE_LENGTH = 300;

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final String instance;
    protected final Path script;
    protected final ProcessRunner runner;

    ScriptAgent(String instance, Path script, ProcessRunner runner) {
        this.instance = instance;
        this.script = script;
        this.runner = runner;
    }

    @Override
    public String instance() {
        return instance;
    }

    /** The script this agent runs. */
    public Path script() {
        return script;
    }

    /** Runs {@code command} for {@code action}; see {@link #unfinished} for outcomes other than EXITED. */
    protected ProcessResult run(String action, List<String> command, Map<String, String> env, Duration timeout) {
        Level level = CHANGING_ACTIONS.contains(action) ? Level.INFO : Level.DEBUG;
        return runner.run(new ProcessRequest(instance, command, env, timeout, level));
    }

    /** The result for a command that did not exit by itself. */
    protected AgentResult unfinished(String action, ProcessResult r) {
        return switch (r.outcome()) {
            case START_FAILED -> AgentResult.failed(OcfStatus.ERR_INSTALLED, action + ": " + r.error());
            case TIMED_OUT, INTERRUPTED -> AgentResult.failed(OcfStatus.ERR_GENERIC, action + " " + r.error());
            case EXITED -> throw new IllegalArgumentException("the command exited");
        };
    }

    /** A script that is missing or not executable gives this result without being run. */
    protected AgentResult checkInstalled(String action) {
        if (!Files.isRegularFile(script)) {
            return AgentResult.failed(OcfStatus.ERR_INSTALLED, action + ": " + script + " does not exist");
        }
        if (!Files.isExecutable(script)) {
            return AgentResult.failed(OcfStatus.ERR_INSTALLED, action + ": " + script + " is not executable");
        }
        return null;
    }

    /** Logs an action's outcome: INFO for start/stop/reload and for failed checks, DEBUG for a passing monitor. */
    protected AgentResult logged(String action, AgentResult result, ProcessResult process) {
        boolean quiet = !CHANGING_ACTIONS.contains(action)
                && (result.isSuccess() || result.status() == OcfStatus.NOT_RUNNING);
        Level level = quiet ? Level.DEBUG : Level.INFO;
        String took = process == null ? "" : " (" + Durations.format(process.elapsed()) + ")";
        log.atLevel(level).log("{}: {} -> {}{}", instance, action, result, took);
        return result;
    }

    /** The last non-blank line of a text, shortened for a one-line message; empty if none. */
    static String lastLine(String text) {
        String[] lines = text.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.isEmpty() && !line.startsWith("[... ")) {
                return shorten(line);
            }
        }
        return "";
    }

    /** The first non-blank line of a text, shortened; empty if none. */
    static String firstLine(String text) {
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                return shorten(line.strip());
            }
        }
        return "";
    }

    static String shorten(String line) {
        return line.length() <= MAX_MESSAGE_LENGTH ? line : line.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }

    /** "exit code 3: last line of stderr (or stdout)". */
    static String exitMessage(ProcessResult r) {
        String detail = lastLine(r.stderr());
        if (detail.isEmpty()) {
            detail = lastLine(r.stdout());
        }
        return "exit code " + r.exitCode() + (detail.isEmpty() ? "" : ": " + detail);
    }

    /** Minimal OCF meta-data for scripts that have none of their own (Heartbeat and LSB styles). */
    static String syntheticMetaData(String name, String description, List<String> actions) {
        StringBuilder xml = new StringBuilder();
        xml.append("<?xml version=\"1.0\"?>\n")
                .append("<resource-agent name=\"").append(xmlEscape(name)).append("\">\n")
                .append("  <version>1.0</version>\n")
                .append("  <longdesc lang=\"en\">").append(xmlEscape(description)).append("</longdesc>\n")
                .append("  <shortdesc lang=\"en\">").append(xmlEscape(description)).append("</shortdesc>\n")
                .append("  <parameters/>\n  <actions>\n");
        for (String action : actions) {
            xml.append("    <action name=\"").append(xmlEscape(action)).append("\"/>\n");
        }
        return xml.append("  </actions>\n</resource-agent>\n").toString();
    }

    static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
