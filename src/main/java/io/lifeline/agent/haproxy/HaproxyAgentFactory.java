package io.lifeline.agent.haproxy;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.BuiltinAgentFactory;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRequest;
import io.lifeline.process.ProcessResult;
import io.lifeline.process.ProcessRunner;
import io.lifeline.process.ScriptEnvironment;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.ResourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Creates the {@code HAProxy} resource: {@code HAProxy::/etc/haproxy/haproxy.cfg} in
 * haresources, optionally followed by {@code ::binary=PATH}, {@code ::rundir=DIR},
 * {@code ::autoreload=no}.
 */
public final class HaproxyAgentFactory implements BuiltinAgentFactory {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);

    private final ProcessRunner runner;
    private final List<Path> unitDirs;

    public HaproxyAgentFactory() {
        this(new ProcessRunner());
    }

    /** With a given runner, e.g. one that prefixes {@code ip netns exec NS} in tests. */
    public HaproxyAgentFactory(ProcessRunner runner) {
        this(runner, DescriptorBudget.UNIT_DIRS);
    }

    /** With the directories where lifeline.service is looked for (tests). */
    HaproxyAgentFactory(ProcessRunner runner, List<Path> unitDirs) {
        this.runner = runner;
        this.unitDirs = unitDirs;
    }

    @Override
    public Set<String> names() {
        return Set.of("HAProxy");
    }

    @Override
    public ResourceAgent create(ResourceSpec spec) throws AgentConfigException {
        return new HaproxyAgent(spec.word(), HaproxySettings.parse(spec.args()), runner);
    }

    @Override
    public void checkReferencedFiles(ResourceSpec spec, Diagnostics diagnostics) {
        checkReferencedFiles(Path.of("haresources"), spec, diagnostics);
    }

    /**
     * A missing configuration file is an error at the haresources line; otherwise, when haproxy
     * is installed, {@code haproxy -c} runs and each of its alerts and warnings is reported at
     * the haproxy.cfg line it names. Without haproxy on this node the file cannot be checked,
     * which is a warning (the other node may be the one that runs it). A {@code global maxconn}
     * that needs more file descriptors than the installed unit allows is a warning
     * ({@link DescriptorBudget}): haproxy -c does not see it, but the start would fail.
     */
    @Override
    public void checkReferencedFiles(Path haresources, ResourceSpec spec, Diagnostics diagnostics) {
        HaproxySettings settings;
        try {
            settings = HaproxySettings.parse(spec.args());
        } catch (AgentConfigException e) {
            return; // create() already reported it
        }
        Path config = settings.config();
        if (!Files.exists(config)) {
            diagnostics.error(haresources, spec.line(), spec.word() + ": configuration file " + config + " does not exist");
            return;
        }
        if (!Files.isReadable(config) || !Files.isRegularFile(config)) {
            diagnostics.error(haresources, spec.line(), spec.word() + ": " + config + " is not a readable file");
            return;
        }
        DescriptorBudget.check(haresources, spec.line(), spec.word(), config, unitDirs, diagnostics);
        if (!Files.isExecutable(settings.binary())) {
            diagnostics.warning(haresources, spec.line(), spec.word() + ": haproxy is not installed here ("
                    + settings.binary() + "), so " + config + " was not checked");
            return;
        }
        ProcessResult r = runner.run(new ProcessRequest(spec.word() + " check", List.of(settings.binary().toString(),
                "-c", "-f", config.toString()), ScriptEnvironment.base(), CHECK_TIMEOUT));
        if (!r.exited()) {
            diagnostics.error(haresources, spec.line(), spec.word() + ": haproxy -c -f " + config + ": " + r.error());
            return;
        }
        List<HaproxyMessages.Message> messages = HaproxyMessages.parse(r.stderr() + "\n" + r.stdout());
        boolean anyAlert = false;
        for (HaproxyMessages.Message m : messages) {
            Path file = m.file() != null ? m.file() : config;
            if (m.alert()) {
                anyAlert = true;
                diagnostics.error(file, m.line(), m.text());
            } else {
                diagnostics.warning(file, m.line(), m.text());
            }
        }
        if (r.exitCode() != 0 && !anyAlert) {
            diagnostics.error(config, 0, "haproxy -c failed with exit code " + r.exitCode() + ": "
                    + HaproxyMessages.alertSummary(r.stderr() + "\n" + r.stdout()));
        }
    }
}
