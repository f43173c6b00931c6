package io.lifeline.cli;

import io.lifeline.agent.AgentRegistry;
import io.lifeline.ipvs.config.IpvsKeywords;
import io.lifeline.manager.ManagerDirectives;
import io.lifeline.config.ClusterConfig;
import io.lifeline.config.ConfigLoader;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.HaCfKeywords;
import io.lifeline.config.HaresourcesSyntax;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hactl check-config}: validates an ha.d directory without starting anything. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Check ha.cf, haresources and authkeys (and the files they reference).",
                "Prints every problem as FILE:LINE: error|warning: MESSAGE.",
                "Exit status: 0 usable (warnings allowed), 1 errors found."})
public final class CheckConfigCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "DIR", defaultValue = "/etc/ha.d",
            description = "Configuration directory (default: ${DEFAULT-VALUE}).")
    Path configDir;

    @Option(names = "--quiet", description = "Print errors only.")
    boolean quiet;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name as listed in ha.cf (default: the kernel host name); on a node named in an"
                    + " 'arbiter' line the resource agents are not checked.")
    String node;

    @Option(names = "--reference", paramLabel = "FILE",
            description = "Print the keyword reference of ha.cf, haresources or ipvs (an IPVS:: file; Markdown, as in docs/) "
                    + "instead of checking.")
    String reference;

    /** One agent's validate action; OCF agents' validate-all is quick, a hung one must not hang check-config. */
    private static final java.time.Duration VALIDATE_TIMEOUT = java.time.Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (reference != null) {
            return printReference(out);
        }
        ConfigLoader.Result loaded = ConfigLoader.check(configDir, true);
        ConfigLoader.Result result = loaded;
        // Resource words are checked here rather than in ConfigLoader: resolving them needs the
        // agent registry (and runs OCF meta-data), which the config package must not depend on.
        loaded.config().ifPresent(c -> {
            io.lifeline.manager.ManagerSettings settings =
                    ManagerDirectives.parse(c.haCf(), c.haresources(), loaded.diagnostics());
            // An arbiter has no agents and needs none (hactl arbiter): checking them there would
            // only report the scripts and services the witness deliberately lacks.
            String here = node != null ? node : io.lifeline.daemon.LocalNodeName.get();
            if (!settings.isArbiter(here)) {
                AgentRegistry registry = AgentRegistry.forConfig(configDir);
                registry.check(c.haresources(), loaded.diagnostics());
                if (!loaded.diagnostics().hasErrors()) {
                    registry.validateAll(c.haresources(), loaded.diagnostics(), VALIDATE_TIMEOUT);
                    registry.adviseTimeouts(c.haresources(), loaded.diagnostics(), word -> {
                        io.lifeline.manager.ResourcePolicy p = settings.policyFor(word);
                        return new io.lifeline.agent.AgentHints.ActionTimeouts(p.startTimeout(), p.stopTimeout(),
                                p.monitorTimeout());
                    });
                }
            }
        });
        if (result.diagnostics().hasErrors()) {
            result = new ConfigLoader.Result(result.diagnostics(), java.util.Optional.empty());
        }
        for (ConfigProblem p : result.diagnostics().problems()) {
            if (p.isError() || !quiet) {
                out.println(p);
            }
        }
        int errors = result.diagnostics().errors().size();
        int warnings = result.diagnostics().warnings().size();
        if (result.config().isPresent()) {
            ClusterConfig c = result.config().get();
            out.printf(java.util.Locale.ROOT, "%s: OK (%d nodes, %d heartbeat links, %d resource groups, %d warnings)%n",
                    configDir, c.haCf().nodes().size(), c.haCf().media().size(),
                    c.haresources().groups().size(), warnings);
            out.flush();
            return 0;
        }
        out.printf(java.util.Locale.ROOT, "%s: %d errors, %d warnings%n", configDir, errors, warnings);
        out.flush();
        return 1;
    }

    private int printReference(PrintWriter out) {
        switch (reference) {
            case "ha.cf" -> out.print(HaCfKeywords.markdownReference());
            case "haresources" -> out.print(HaresourcesSyntax.markdownReference());
            case "ipvs" -> out.print(IpvsKeywords.markdownReference());
            default -> {
                spec.commandLine().getErr().println("hactl check-config: --reference takes ha.cf, haresources or ipvs,"
                        + " not '" + reference + "'");
                return 2;
            }
        }
        out.flush();
        return 0;
    }
}
