package io.lifeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hactl}: the single entry point. Each subcommand is its own class; this one only
 * registers them and turns uncaught problems into a one-line message instead of a stack trace.
 */
@Command(name = "hactl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Lifeline high-availability resource manager.",
        subcommands = {
                CommandLine.HelpCommand.class,
                CheckConfigCommand.class,
                KeygenCommand.class,
                DaemonCommand.class,
                ArbiterCommand.class,
                StatusCommand.class,
                EventsCommand.class,
                DebugCommand.class,
                OperatorCommands.Takeover.class,
                OperatorCommands.Standby.class,
                OperatorCommands.Online.class,
                OperatorCommands.Failover.class,
                OperatorCommands.Unpin.class,
                OperatorCommands.Cleanup.class,
                OperatorCommands.Maintenance.class,
                ReloadCommand.class,
                PropagateCommand.class,
                VipCommand.class,
                io.lifeline.cli.ProxyCommand.class,
        })
public final class Hactl implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        Integer quick = QuickCommands.run(args);
        System.exit(quick != null ? quick : Picocli.execute(args));
    }

    /** Kept apart so that main's class does not make the JVM load picocli when the quick path runs. */
    private static final class Picocli {
        static int execute(String[] args) {
            return newCommandLine().execute(args);
        }
    }

    /** Builds the command line with Lifeline's error handling; tests use this too. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Hactl());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("hactl: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 1;
        });
        return cl;
    }
}
