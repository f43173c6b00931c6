package io.lifeline.agent;

import io.lifeline.agent.script.HeartbeatScriptAgent;
import io.lifeline.agent.script.LsbScriptAgent;
import io.lifeline.agent.script.OcfParameters;
import io.lifeline.agent.script.OcfScriptAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.agent.script.SystemdUnitAgent;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.Haresources;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns each haresources word ({@link ResourceSpec}) into a {@link ResourceAgent}.
 *
 * <p>A word with a class prefix goes straight to that class:
 * <ul>
 *   <li>{@code ocf:PROVIDER:TYPE::name=value::...}: the OCF agent
 *       {@code OCF_ROOT/resource.d/PROVIDER/TYPE};</li>
 *   <li>{@code lsb:NAME}: the init script {@code /etc/init.d/NAME};</li>
 *   <li>{@code systemd:NAME}: the systemd unit NAME (.service implied), through systemctl;</li>
 *   <li>{@code heartbeat:NAME::arg::...}: a Heartbeat-style script, searched as in steps 2 and 3
 *       below, skipping built-ins (to use Heartbeat's own resource.d/IPaddr, say).</li>
 * </ul>
 *
 * <p>A bare name is looked up in this order, the first match winning:
 * <ol>
 *   <li>Lifeline's built-in Java agents, by name ({@link BuiltinAgentFactory});</li>
 *   <li>Heartbeat-style scripts in Lifeline's resource-agents directories, in the order given;</li>
 *   <li>Heartbeat-style scripts in {@code /etc/ha.d/resource.d};</li>
 *   <li>LSB init scripts in {@code /etc/init.d} (Heartbeat's own fallback), which take no
 *       arguments.</li>
 * </ol>
 * A script must be an executable regular file, as Heartbeat requires; a non-executable one is
 * skipped, and named in the error if nothing else matches. A name that resolves nowhere gives
 * a {@link Resolution.Failed} naming the file and line, the places searched and, when a known
 * name is close, a suggestion.
 */
public final class AgentRegistry {

    private static final Path DEFAULT_FILE = Path.of("haresources");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_+@.-]+");

    private final Map<String, BuiltinAgentFactory> builtins = new LinkedHashMap<>();
    private final AgentSearchPath path;
    private final ProcessRunner runner;

    /**
     * @throws IllegalArgumentException if two factories claim the same name
     */
    public AgentRegistry(List<BuiltinAgentFactory> factories, AgentSearchPath path, ProcessRunner runner) {
        for (BuiltinAgentFactory f : factories) {
            for (String name : f.names()) {
                BuiltinAgentFactory previous = builtins.putIfAbsent(name, f);
                if (previous != null) {
                    throw new IllegalArgumentException("built-in agent name '" + name + "' claimed by both "
                            + previous.getClass().getName() + " and " + f.getClass().getName());
                }
            }
        }
        this.path = path;
        this.runner = runner;
    }

    /**
     * Every built-in agent found through {@link java.util.ServiceLoader} (each built-in package
     * registers its factory in {@code META-INF/services}), the detected search path with
     * Heartbeat's /etc/ha.d/resource.d, and the standard process runner.
     */
    public static AgentRegistry standard() {
        return new AgentRegistry(builtinFactories(), AgentSearchPath.detect(), new ProcessRunner());
    }

    /**
     * The registry the daemon and {@code hactl check-config} use for {@code configDir}: as
     * {@link #standard()}, but Heartbeat scripts are looked up in that directory's
     * {@code resource.d}, as Heartbeat does under /etc/ha.d.
     */
    public static AgentRegistry forConfig(Path configDir) {
        return new AgentRegistry(builtinFactories(),
                AgentSearchPath.detect().withHaResourceDir(configDir.resolve("resource.d")), new ProcessRunner());
    }

    private static List<BuiltinAgentFactory> builtinFactories() {
        List<BuiltinAgentFactory> factories = new ArrayList<>();
        java.util.ServiceLoader.load(BuiltinAgentFactory.class).forEach(factories::add);
        return factories;
    }

    public AgentSearchPath searchPath() {
        return path;
    }

    /** Resolves a word from a file named just {@code haresources} (for messages). */
    public Resolution resolve(ResourceSpec spec) {
        return resolve(DEFAULT_FILE, spec);
    }

    /** Resolves one word; {@code file} is the haresources file it came from, for the error message. */
    public Resolution resolve(Path file, ResourceSpec spec) {
        String name = spec.name();
        try {
            int colon = name.indexOf(':');
            if (colon < 0) {
                return resolveBare(file, spec);
            }
            String cls = name.substring(0, colon);
            String rest = name.substring(colon + 1);
            return switch (cls) {
                case "ocf" -> resolveOcf(file, spec, rest);
                case "lsb" -> resolveLsb(file, spec, rest);
                case "systemd" -> resolveSystemd(file, spec, rest);
                case "heartbeat" -> resolveHeartbeat(file, spec, rest);
                default -> new Resolution.Failed(spec, file, "unknown resource class '" + cls + "' in '" + name
                        + "': use ocf:PROVIDER:TYPE, lsb:NAME, systemd:NAME, heartbeat:NAME or a bare name");
            };
        } catch (AgentConfigException e) {
            return new Resolution.Failed(spec, file, name + ": " + e.getMessage());
        }
    }

    /**
     * Resolves every word of every group, reporting each failure as an error at its line.
     * Returns the agents found, keyed by word, in file order.
     */
    public Map<String, ResourceAgent> resolveAll(Haresources haresources, Diagnostics diagnostics) {
        Map<String, ResourceAgent> agents = new LinkedHashMap<>();
        for (ResourceGroup group : haresources.groups()) {
            for (ResourceSpec spec : group.resources()) {
                Resolution r = resolve(haresources.file(), spec);
                if (r instanceof Resolution.Found found) {
                    agents.putIfAbsent(spec.word(), found.agent());
                } else if (r instanceof Resolution.Failed failed) {
                    diagnostics.error(haresources.file(), spec.line(), failed.reason());
                }
            }
        }
        return agents;
    }

    /**
     * What {@code hactl check-config} runs: {@link #resolveAll}, then, for OCF agents, the
     * parameters checked against the agent's meta-data (which runs the agent's side-effect-free
     * {@code meta-data} action): a missing required parameter is an error, an unknown one a
     * warning (it may be a parameter a newer agent version knows).
     */
    public void check(Haresources haresources, Diagnostics diagnostics) {
        Map<String, ResourceAgent> agents = resolveAll(haresources, diagnostics);
        Map<String, Integer> lines = new HashMap<>();
        haresources.groups().forEach(g -> g.resources().forEach(s -> lines.putIfAbsent(s.word(), s.line())));
        java.util.Set<String> checkedWords = new java.util.HashSet<>();
        for (ResourceGroup group : haresources.groups()) {
            for (ResourceSpec spec : group.resources()) {
                BuiltinAgentFactory factory = builtins.get(spec.name());
                if (factory != null && agents.containsKey(spec.word()) && checkedWords.add(spec.word())) {
                    factory.checkReferencedFiles(haresources.file(), spec, diagnostics);
                }
            }
        }
        agents.forEach((word, agent) -> {
            if (agent instanceof OcfScriptAgent ocf) {
                for (String problem : ocf.parameterProblems()) {
                    if (problem.contains(" needs parameter ")) {
                        diagnostics.error(haresources.file(), lines.get(word), problem);
                    } else {
                        diagnostics.warning(haresources.file(), lines.get(word), problem);
                    }
                }
            }
        });
    }

    /**
     * What {@code hactl check-config} runs after {@link #check}: each resolved agent's own
     * {@code validate} (OCF {@code validate-all}, which the OCF standard asks to change nothing,
     * though agents run as the caller and some touch files: ClusterLabs' Dummy writes and removes
     * a file in its state directory, HAProxy's {@code haproxy -c} loads Lua and may resolve names;
     * the built-in VIP resolves its interface over netlink, read-only; a Heartbeat script is only
     * checked to be runnable). A failure is a warning at the resource's line, not an error: it may say more
     * about this machine (an interface or a program it lacks) than about the file, and
     * check-config is also run away from the nodes. Not run by a reload, which must not wait on
     * scripts.
     */
    public void validateAll(Haresources haresources, Diagnostics diagnostics, java.time.Duration timeout) {
        Map<String, ResourceAgent> agents = resolveAll(haresources, new Diagnostics());
        Map<String, Integer> lines = new HashMap<>();
        haresources.groups().forEach(g -> g.resources().forEach(s -> lines.putIfAbsent(s.word(), s.line())));
        agents.forEach((word, agent) -> {
            AgentResult r = agent.validate(timeout);
            if (r.status() != OcfStatus.SUCCESS) {
                diagnostics.warning(haresources.file(), lines.get(word), word + ": the agent's validate says "
                        + r.status().description() + (r.message() == null || r.message().isBlank() ? "" : ": " + r.message()));
            }
        });
    }

    /**
     * What {@code hactl check-config} runs after {@link #check}: a warning at a resource's line
     * for each action whose applied timeout ({@code applied}, from ha.cf and the built-in
     * defaults) is shorter than the one its agent advises ({@link AgentHints#shortfalls}). Reads
     * the agents' meta-data (OCF agents run their side-effect-free {@code meta-data} action).
     */
    public void adviseTimeouts(Haresources haresources, Diagnostics diagnostics,
            java.util.function.Function<String, AgentHints.ActionTimeouts> applied) {
        Map<String, ResourceAgent> agents = resolveAll(haresources, new Diagnostics());
        Map<String, Integer> lines = new HashMap<>();
        haresources.groups().forEach(g -> g.resources().forEach(s -> lines.putIfAbsent(s.word(), s.line())));
        agents.forEach((word, agent) -> {
            for (AgentHints.Shortfall f : agent.hints().shortfalls(applied.apply(word))) {
                // the setting of ha.cf's monitor / resource_defaults lines (docs/manager.md) that sets it
                String key = f.action().equals("monitor") ? "timeout" : f.action() + "_timeout";
                diagnostics.warning(haresources.file(), lines.get(word), word + ": " + f.describe()
                        + " (raise it in ha.cf: monitor " + word + " " + key + "=" + (f.advised().toMillis() + 999) / 1000 + "s)");
            }
        });
    }

    private Resolution resolveBare(Path file, ResourceSpec spec) throws AgentConfigException {
        String name = spec.name();
        BuiltinAgentFactory factory = builtins.get(name);
        if (factory != null) {
            return new Resolution.Found(spec, factory.create(spec), "built-in");
        }
        checkSafe(name, "resource name");
        List<Path> notExecutable = new ArrayList<>();
        Optional<Resolution> heartbeat = findHeartbeatScript(spec, name, notExecutable);
        if (heartbeat.isPresent()) {
            return heartbeat.get();
        }
        Path init = path.initDir().resolve(name);
        if (isExecutableFile(init)) {
            requireNoArgs(spec, "an LSB init script (" + init + ")");
            return new Resolution.Found(spec, new LsbScriptAgent(name, spec.word(), init, runner), init + " (LSB)");
        }
        noteNotExecutable(init, notExecutable);

        List<String> searched = new ArrayList<>();
        path.resourceAgentDirs().forEach(d -> searched.add(d.toString()));
        searched.add(path.haResourceDir().toString());
        searched.add(path.initDir().toString());
        StringBuilder reason = new StringBuilder("unknown resource '" + name + "': not a built-in agent, not found in "
                + String.join(", ", searched));
        appendNotExecutable(reason, notExecutable);
        List<String> known = new ArrayList<>(builtins.keySet());
        path.resourceAgentDirs().forEach(d -> known.addAll(executablesIn(d)));
        known.addAll(executablesIn(path.haResourceDir()));
        known.addAll(executablesIn(path.initDir()));
        suggestion(name, known).ifPresent(s -> reason.append("; did you mean '").append(s).append("'?"));
        return new Resolution.Failed(spec, file, reason.toString());
    }

    private Resolution resolveHeartbeat(Path file, ResourceSpec spec, String name) throws AgentConfigException {
        checkSafe(name, "script name");
        List<Path> notExecutable = new ArrayList<>();
        Optional<Resolution> found = findHeartbeatScript(spec, name, notExecutable);
        if (found.isPresent()) {
            return found.get();
        }
        List<String> searched = new ArrayList<>();
        path.resourceAgentDirs().forEach(d -> searched.add(d.toString()));
        searched.add(path.haResourceDir().toString());
        StringBuilder reason = new StringBuilder("unknown Heartbeat resource script '" + name + "': not found in "
                + String.join(", ", searched));
        appendNotExecutable(reason, notExecutable);
        return new Resolution.Failed(spec, file, reason.toString());
    }

    private Optional<Resolution> findHeartbeatScript(ResourceSpec spec, String name, List<Path> notExecutable) {
        List<Path> dirs = new ArrayList<>(path.resourceAgentDirs());
        dirs.add(path.haResourceDir());
        for (Path dir : dirs) {
            Path script = dir.resolve(name);
            if (isExecutableFile(script)) {
                return Optional.of(new Resolution.Found(spec,
                        new HeartbeatScriptAgent(name, spec.word(), script, spec.args(), runner),
                        script + " (Heartbeat style)"));
            }
            noteNotExecutable(script, notExecutable);
        }
        return Optional.empty();
    }

    private Resolution resolveOcf(Path file, ResourceSpec spec, String rest) throws AgentConfigException {
        String[] parts = rest.split(":", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return new Resolution.Failed(spec, file, "bad OCF resource '" + spec.name()
                    + "': write ocf:PROVIDER:TYPE, e.g. ocf:heartbeat:IPaddr2::ip=198.51.100.10");
        }
        String provider = parts[0];
        String type = parts[1];
        checkSafe(provider, "OCF provider");
        checkSafe(type, "OCF agent type");
        OcfParameters parameters = OcfParameters.parse(spec.args());
        Path providers = path.ocfRoot().resolve("resource.d");
        Path providerDir = providers.resolve(provider);
        if (!Files.isDirectory(providerDir)) {
            return new Resolution.Failed(spec, file, "unknown OCF provider '" + provider + "' in '" + spec.name()
                    + "': no directory " + providerDir + " (providers here: "
                    + String.join(", ", subdirectories(providers)) + ")");
        }
        Path script = providerDir.resolve(type);
        if (!isExecutableFile(script)) {
            StringBuilder reason = new StringBuilder("unknown OCF agent '" + spec.name() + "': " + script
                    + (Files.exists(script) ? " is not an executable file" : " does not exist"));
            suggestion(type, executablesIn(providerDir))
                    .ifPresent(s -> reason.append("; did you mean 'ocf:").append(provider).append(':').append(s)
                            .append("'?"));
            return new Resolution.Failed(spec, file, reason.toString());
        }
        return new Resolution.Found(spec, new OcfScriptAgent(spec.word(), path.ocfRoot(), provider, type, parameters,
                runner), script + " (OCF)");
    }

    private Resolution resolveLsb(Path file, ResourceSpec spec, String name) throws AgentConfigException {
        checkSafe(name, "init script name");
        requireNoArgs(spec, "an LSB init script");
        Path script = path.initDir().resolve(name);
        if (!isExecutableFile(script)) {
            StringBuilder reason = new StringBuilder("unknown init script '" + spec.name() + "': " + script
                    + (Files.exists(script) ? " is not an executable file" : " does not exist"));
            suggestion(name, executablesIn(path.initDir()))
                    .ifPresent(s -> reason.append("; did you mean 'lsb:").append(s).append("'?"));
            return new Resolution.Failed(spec, file, reason.toString());
        }
        return new Resolution.Found(spec, new LsbScriptAgent(spec.name(), spec.word(), script, runner),
                script + " (LSB)");
    }

    private Resolution resolveSystemd(Path file, ResourceSpec spec, String name) throws AgentConfigException {
        checkSafe(name, "systemd unit name");
        requireNoArgs(spec, "a systemd unit");
        if (!isExecutableFile(path.systemctl())) {
            return new Resolution.Failed(spec, file, "cannot manage '" + spec.name() + "': " + path.systemctl()
                    + " not found (is this a systemd system?)");
        }
        SystemdUnitAgent agent = new SystemdUnitAgent(spec.word(), path.systemctl(), name, runner);
        return new Resolution.Found(spec, agent, "systemd unit " + agent.unit());
    }

    private static void requireNoArgs(ResourceSpec spec, String what) throws AgentConfigException {
        if (!spec.args().isEmpty()) {
            throw new AgentConfigException(what + " takes no arguments, but '" + spec.word() + "' gives "
                    + spec.args().size() + "; for a script with arguments use a Heartbeat-style script in "
                    + "resource.d");
        }
    }

    private static void checkSafe(String name, String what) throws AgentConfigException {
        if (!SAFE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new AgentConfigException("bad " + what + " '" + name
                    + "': use letters, digits and _ + @ . - (no paths)");
        }
    }

    private static boolean isExecutableFile(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    private static void noteNotExecutable(Path p, List<Path> notExecutable) {
        if (Files.isRegularFile(p) && !Files.isExecutable(p)) {
            notExecutable.add(p);
        }
    }

    private static void appendNotExecutable(StringBuilder reason, List<Path> notExecutable) {
        if (!notExecutable.isEmpty()) {
            reason.append(" (found but not executable: ")
                    .append(String.join(", ", notExecutable.stream().map(Path::toString).toList()))
                    .append(")");
        }
    }

    private static List<String> executablesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(AgentRegistry::isExecutableFile).map(p -> p.getFileName().toString()).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<String> subdirectories(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(new TreeSet<>(files.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString()).toList()));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The known name closest to a mistyped one (edit distance at most 2), if any. */
    static Optional<String> suggestion(String name, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int limit = Math.min(2, Math.max(1, name.length() / 3));
        for (String candidate : new TreeSet<>(known)) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d <= limit && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Damerau-Levenshtein distance (optimal string alignment), so that a swapped pair counts as one edit. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
