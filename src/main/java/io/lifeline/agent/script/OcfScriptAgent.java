package io.lifeline.agent.script;

import io.lifeline.agent.AgentHints;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCF resource agent ({@code /usr/lib/ocf/resource.d/PROVIDER/TYPE}), written in haresources
 * as {@code ocf:PROVIDER:TYPE::name=value::...}. The agent is called with the action as its only
 * argument and everything else in the environment ({@link OcfEnvironment}); its exit code is the
 * OCF result, and an {@code ocf-exit-reason:} line on stderr becomes the result's message.
 *
 * <p>Meta-data is fetched once, on first need, and gives the {@link #hints()}: the agent's
 * recommended timeouts and monitor interval. A recurring {@link #monitor} tells the agent that
 * interval (or {@value #DEFAULT_MONITOR_INTERVAL_SECONDS}s when the agent recommends none); a
 * {@link #probe} tells it 0, which OCF agents read as "this is a probe".
 */
public final class OcfScriptAgent extends ScriptAgent {

    static final long DEFAULT_MONITOR_INTERVAL_SECONDS = 10;
    private static final Duration META_DATA_TIMEOUT = Duration.ofSeconds(10);

    private final Path ocfRoot;
    private final String provider;
    private final String agentType;
    private final OcfParameters parameters;
    private final String instanceId;
    private final int checkLevel;
    private volatile String metaDataXml;
    /** Null until meta-data was first asked for; then the parsed result, empty if unusable. */
    private volatile Optional<OcfMetaData> metaData;

    /**
     * @param instance   the whole haresources word
     * @param ocfRoot    {@code OCF_ROOT}, normally {@code /usr/lib/ocf}; the script is
     *                   {@code OCF_ROOT/resource.d/PROVIDER/TYPE}
     */
    public OcfScriptAgent(String instance, Path ocfRoot, String provider, String agentType, OcfParameters parameters,
                          ProcessRunner runner) {
        super(instance, ocfRoot.resolve("resource.d").resolve(provider).resolve(agentType), runner);
        this.ocfRoot = ocfRoot;
        this.provider = provider;
        this.agentType = agentType;
        this.parameters = parameters;
        this.instanceId = parameters.instanceId(agentType);
        this.checkLevel = parameters.checkLevel().orElse(0);
    }

    @Override
    public String type() {
        return "ocf:" + provider + ":" + agentType;
    }

    /** {@code OCF_RESOURCE_INSTANCE}. */
    public String instanceId() {
        return instanceId;
    }

    public OcfParameters parameters() {
        return parameters;
    }

    @Override
    public AgentResult start(Duration timeout) {
        return action("start", timeout, Duration.ZERO);
    }

    @Override
    public AgentResult stop(Duration timeout) {
        AgentResult result = action("stop", timeout, Duration.ZERO);
        if (result.status() == OcfStatus.NOT_RUNNING) {
            // OCF says a successful stop returns 0; 7 still means "it is down", so accept it
            log.warn("{}: stop returned 7 (not running) instead of 0; treated as stopped", instance);
            return AgentResult.ok(result.message());
        }
        return result;
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        return action("monitor", timeout, monitorInterval());
    }

    @Override
    public AgentResult probe(Duration timeout) {
        return action("monitor", timeout, Duration.ZERO);
    }

    @Override
    public AgentResult validate(Duration timeout) {
        return action("validate-all", timeout, Duration.ZERO);
    }

    /** The action the meta-data declares for an in-place reload: OCF 1.1 {@code reload-agent}, else {@code reload}. */
    @Override
    public AgentResult reload(Duration timeout) {
        String action = hints().reload().map(AgentHints.Reload::action).orElse("reload");
        return action(action, timeout, Duration.ZERO);
    }

    /** The agent's meta-data XML, or an empty string if the agent cannot give it (logged). */
    @Override
    public String metaData() {
        String xml = metaDataXml;
        if (xml != null) {
            return xml;
        }
        ProcessResult r = runAction("meta-data", META_DATA_TIMEOUT, Duration.ZERO);
        if (r == null || !r.exited() || r.exitCode() != 0) {
            String why = r == null ? script + " is missing or not executable"
                    : r.exited() ? exitMessage(r) : r.error();
            log.warn("{}: meta-data unavailable: {}", instance, why);
            return "";
        }
        metaDataXml = r.stdout();
        return r.stdout();
    }

    /**
     * Parsed meta-data, if the agent gives well-formed meta-data. Asked once: an agent without
     * usable meta-data is not asked again on every monitor (it is logged once).
     */
    public Optional<OcfMetaData> parsedMetaData() {
        Optional<OcfMetaData> parsed = metaData;
        if (parsed == null) {
            String xml = metaData();
            parsed = Optional.empty();
            if (!xml.isEmpty()) {
                try {
                    parsed = Optional.of(OcfMetaData.parse(xml));
                } catch (IllegalArgumentException e) {
                    log.warn("{}: {}", instance, e.getMessage());
                }
            }
            metaData = parsed;
        }
        return parsed;
    }

    @Override
    public AgentHints hints() {
        return parsedMetaData().map(OcfMetaData::hints).orElse(AgentHints.NONE);
    }

    /** The interval given to recurring monitors: the agent's recommendation at our depth, or the default. */
    public Duration monitorInterval() {
        return hints().monitorInterval(checkLevel)
                .filter(d -> !d.isZero())
                .orElse(Duration.ofSeconds(DEFAULT_MONITOR_INTERVAL_SECONDS));
    }

    /**
     * Checks the word's parameters against the meta-data: unknown names and missing required
     * ones. Empty when all is well or when the agent gives no meta-data to check against.
     */
    public List<String> parameterProblems() {
        Optional<OcfMetaData> md = parsedMetaData();
        List<String> problems = new ArrayList<>();
        if (md.isEmpty()) {
            return problems;
        }
        for (String name : parameters.values().keySet()) {
            if (md.get().parameter(name).isEmpty()) {
                problems.add(type() + " has no parameter '" + name + "' (it has: "
                        + String.join(", ", md.get().parameters().stream().map(OcfMetaData.Parameter::name).toList())
                        + ")");
            }
        }
        for (OcfMetaData.Parameter p : md.get().parameters()) {
            if (p.required() && !parameters.values().containsKey(p.name())) {
                problems.add(type() + " needs parameter '" + p.name() + "'"
                        + (p.shortDescription().isEmpty() ? "" : " (" + p.shortDescription() + ")"));
            }
        }
        return problems;
    }

    /** The environment for one action; exposed for tests and for {@code hactl} diagnostics. */
    public Map<String, String> environment(String action, Duration timeout, Duration interval) {
        return OcfEnvironment.build(ocfRoot, provider, agentType, instanceId, parameters, action, timeout, interval,
                checkLevel);
    }

    private AgentResult action(String action, Duration timeout, Duration interval) {
        ProcessResult r = runAction(action, timeout, interval);
        if (r == null) {
            return logged(action, checkInstalled(action), null);
        }
        if (!r.exited()) {
            return logged(action, unfinished(action, r), r);
        }
        OcfStatus status = OcfStatus.fromCode(r.exitCode());
        Optional<String> reason = OcfExitReason.parse(r.stderr());
        String message;
        if (reason.isPresent()) {
            message = reason.get();
        } else if (status == OcfStatus.SUCCESS || status == OcfStatus.NOT_RUNNING) {
            message = "";
        } else {
            message = exitMessage(r);
        }
        if (status == OcfStatus.ERR_GENERIC && r.exitCode() != 1) {
            String detail = reason.orElse(lastLine(r.stderr()));
            message = "unknown OCF exit code " + r.exitCode() + (detail.isEmpty() ? "" : ": " + detail);
        }
        return logged(action, new AgentResult(status, message), r);
    }

    /** Runs one action; null when the script is missing or not executable. */
    private ProcessResult runAction(String action, Duration timeout, Duration interval) {
        if (checkInstalled(action) != null) {
            return null;
        }
        return run(action, List.of(script.toString(), action), environment(action, timeout, interval), timeout);
    }
}
