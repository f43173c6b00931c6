package io.lifeline.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.agent.AgentRegistry;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.agent.ip.IpAddrAgent;
import io.lifeline.agent.ip.VipLease;
import io.lifeline.cluster.Cluster;
import io.lifeline.config.ClusterConfig;
import io.lifeline.config.ConfigLoader;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.config.HaresourcesParser;
import io.lifeline.control.ControlProtocol;
import io.lifeline.manager.ManagerAction;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerDirectives;
import io.lifeline.manager.ManagerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hactl reload} and SIGHUP: re-reads ha.d, validates all of it (the same checks as
 * {@code hactl check-config}, plus whether the new authkeys still accepts every peer), and only
 * when all of it is valid applies what can be applied without a restart: the groups (the
 * manager applies the difference, see ConfigDiff), the manager's directives, auto_failback and
 * authkeys. ha.cf directives that shape the links, timers, logging or the process need a
 * restart: the reload says which, and keeps running with their old values. An invalid
 * configuration changes nothing; every problem is reported with file:line. Never stops the node.
 * One reload at a time.
 */
final class ConfigReload {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /**
     * What a reload did.
     *
     * @param problems      every error (file:line), when it was refused
     * @param warnings      warnings of the new configuration (file:line)
     * @param needsRestart  ha.cf directives whose change only takes effect at the next start
     */
    record Outcome(boolean applied, String message, List<String> problems, List<String> warnings,
                   List<String> needsRestart, boolean authkeysChanged) {

        ObjectNode json() {
            ObjectNode o = ControlProtocol.json().createObjectNode();
            o.put("applied", applied);
            o.put("message", message);
            array(o.putArray("problems"), problems);
            array(o.putArray("warnings"), warnings);
            array(o.putArray("needs_restart"), needsRestart);
            o.put("authkeys_changed", authkeysChanged);
            return o;
        }

        private static void array(ArrayNode a, List<String> values) {
            values.forEach(a::add);
        }
    }

    private final Path configDir;
    private final Cluster cluster;
    private final ManagerRuntime runtime;
    private final VipLease vipLease;
    /**
     * ha.cf and the manager's settings as the daemon started: the directives that need a restart
     * keep these values, so every reload compares with them (and says so again until a restart).
     */
    private final HaCf startHaCf;
    private final ManagerSettings startSettings;
    /** The authkeys in use (the start's, or the last reload's). */
    private io.lifeline.config.Authkeys authkeys;
    /** The configuration as last accepted (the start's, or the last applied reload's). */
    private ClusterConfig current;
    /** Told every configuration a reload applied (the configuration digest, docs/propagate.md). */
    private final java.util.function.Consumer<ClusterConfig> onApplied;

    ConfigReload(Path configDir, ClusterConfig started, ManagerSettings startSettings, Cluster cluster,
                 ManagerRuntime runtime, VipLease vipLease, java.util.function.Consumer<ClusterConfig> onApplied) {
        this.configDir = configDir;
        this.current = started;
        this.onApplied = onApplied;
        this.startHaCf = started.haCf();
        this.startSettings = startSettings;
        this.authkeys = started.authkeys();
        this.cluster = cluster;
        this.runtime = runtime;
        this.vipLease = vipLease;
    }

    /** Runs one reload; {@code trigger} says who asked ("hactl reload", "SIGHUP") in the logs and events. */
    synchronized Outcome reload(String trigger) {
        LOG.info("{}: re-reading {}", trigger, configDir);
        ConfigLoader.Result read = ConfigLoader.check(configDir, true);
        Diagnostics diag = read.diagnostics();
        AgentRegistry registry = AgentRegistry.forConfig(configDir);
        if (read.config().isEmpty()) {
            // Check the resource words of the lines that parse too, so one answer names every problem.
            HaresourcesParser.parseValidGroups(configDir.resolve("haresources"), new Diagnostics())
                    .ifPresent(h -> registry.check(h, diag));
            return refuse(trigger, diag, List.of());
        }
        ClusterConfig next = read.config().get();
        String node = cluster.localNode();
        if (!next.haCf().hasNode(node)) {
            diag.error(next.haCf().file(), 0, "this node (" + node + ") is no longer a node in ha.cf");
            return refuse(trigger, diag, List.of());
        }
        ManagerSettings settings = ManagerDirectives.parse(next.haCf(), next.haresources(), diag);
        boolean arbiter = settings.isArbiter(node);
        if (arbiter != startSettings.isArbiter(node)) {
            diag.error(next.haCf().file(), 0, "this node (" + node + ") " + (arbiter ? "becomes an arbiter" : "is no"
                    + " longer an arbiter") + " (the arbiter line): that takes a restart ("
                    + (arbiter ? "hactl arbiter" : "hactl daemon") + ")");
        }
        Map<String, ResourceAgent> agents;
        if (arbiter) {
            agents = io.lifeline.agent.AbsentResource.forEvery(next.haresources()); // an arbiter resolves no agents
        } else {
            registry.check(next.haresources(), diag); // as check-config: words resolve, OCF parameters
            agents = registry.resolveAll(next.haresources(), new Diagnostics());
        }
        List<String> peerProblems = new ArrayList<>(cluster.authkeysProblems(next.authkeys()));
        if (next.authkeys().signingKey().method() == io.lifeline.config.AuthMethod.CRC && !startHaCf.allowCrc()) {
            // the links were built without allow_crc, and that directive only changes at a restart
            peerProblems.add("signs with crc, which this daemon refuses until a restart with 'allow_crc on'");
        }
        if (diag.hasErrors() || !peerProblems.isEmpty()) {
            List<String> extra = peerProblems.stream().map(p -> next.authkeys().file() + ": error: " + p).toList();
            return refuse(trigger, diag, extra);
        }

        List<String> needsRestart = RestartDirectives.changed(startHaCf, next.haCf(), startSettings, settings);
        // What is not applied keeps its running value: the links' nodes and timers (deadtime is
        // also the manager's), the event log's size, the notify hooks (their executor is built at
        // start). Without stall_threshold the default follows the running timers, as at start.
        ManagerSettings applied = settings.withEventLogSize(startSettings.eventLogSize())
                .withNotifyHooks(startSettings.notifyHooks())
                .withDefaultStallThreshold(cluster.stallBound());
        ManagerConfig managerConfig = new ManagerConfig(node, startHaCf.nodes(), next.haresources().groups(),
                next.haCf().autoFailback(), startHaCf.deadtime(), applied);

        boolean authChanged = !next.authkeys().equals(authkeys);
        agents.forEach((word, agent) -> {
            if (agent instanceof IpAddrAgent ip && runtime.agent(word) == null) {
                ip.useLease(vipLease); // a new VIP is held on the daemon's lease like the others
            }
        });
        // What the agents of new resource words reload in place (their meta-data: I/O, done here,
        // so the manager decides from data whether a changed group reloads or restarts)
        Map<String, java.util.Set<String>> reloadable = new java.util.HashMap<>();
        agents.forEach((word, agent) -> {
            if (runtime.agent(word) == null) {
                agent.hints().reload().ifPresent(r -> reloadable.put(word, r.parameters()));
            }
        });
        runtime.addAgents(agents);
        ManagerAction.AnswerCommand answer;
        try {
            answer = runtime.reload(managerConfig, reloadable);
        } catch (TimeoutException e) {
            return new Outcome(false, "the resource manager did not answer in time; nothing was changed",
                    List.of(), texts(diag.warnings()), List.of(), false);
        }
        if (!answer.accepted()) {
            LOG.error("{}: {}", trigger, answer.message());
            return new Outcome(false, answer.message(), List.of(answer.message()), texts(diag.warnings()),
                    needsRestart, false);
        }
        if (authChanged) {
            cluster.useAuthkeys(next.authkeys());
            LOG.info("{}: authkeys reloaded: signing with key {}, accepting keys {}", trigger,
                    next.authkeys().signingKeyId(), next.authkeys().keys().keySet());
        }
        authkeys = next.authkeys();
        current = next;
        onApplied.accept(next);
        StringBuilder message = new StringBuilder(answer.message());
        if (authChanged) {
            message.append("; authkeys: signing with key ").append(next.authkeys().signingKeyId())
                    .append(", accepting keys ").append(next.authkeys().keys().keySet());
        }
        if (!needsRestart.isEmpty()) {
            message.append("; needs a restart to take effect: ").append(String.join(", ", needsRestart));
            LOG.warn("{}: changed in ha.cf but only applied at the next start: {}", trigger,
                    String.join(", ", needsRestart));
        }
        diag.warnings().forEach(w -> LOG.warn("{}", w));
        LOG.info("{}: {}", trigger, message);
        return new Outcome(true, message.toString(), List.of(), texts(diag.warnings()), needsRestart, authChanged);
    }

    /** The configuration as last accepted: the start's, or the last applied reload's. */
    synchronized ClusterConfig current() {
        return current;
    }

    private Outcome refuse(String trigger, Diagnostics diag, List<String> extra) {
        List<String> problems = new ArrayList<>(texts(diag.errors()));
        problems.addAll(extra);
        LOG.error("{}: the configuration in {} is not valid; keeping the running one ({} problem{}):", trigger,
                configDir, problems.size(), problems.size() == 1 ? "" : "s");
        problems.forEach(p -> LOG.error("  {}", p));
        runtime.reloadRefused(trigger, problems);
        return new Outcome(false, "not reloaded: " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + " in " + configDir + "; the running configuration stays", problems, texts(diag.warnings()),
                List.of(), false);
    }

    private static List<String> texts(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).toList();
    }
}
