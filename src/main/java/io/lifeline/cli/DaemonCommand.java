package io.lifeline.cli;

import io.lifeline.control.ControlProtocol;
import io.lifeline.daemon.NodeDaemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hactl daemon}: runs this node's Lifeline daemon in the foreground (systemd's Type=simple). */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run the Lifeline daemon of this node in the foreground until SIGTERM.",
                "Exit status: 1 start-up failure, 6 configuration not usable,",
                "70 the resource manager failed (after releasing every group; systemd restarts the daemon)."})
public class DaemonCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "DIR", defaultValue = QuickCommands.DAEMON_CONFIG,
            description = "Configuration directory with ha.cf, haresources, authkeys (default: ${DEFAULT-VALUE}).")
    Path configDir;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name as listed in ha.cf (default: the kernel host name, as 'uname -n').")
    String node;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = QuickCommands.DAEMON_STATE,
            description = "Directory for the daemon's state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--input-journal-size", paramLabel = "N", defaultValue = QuickCommands.DAEMON_JOURNAL,
            description = "How many of the resource manager's latest inputs to keep for 'hactl debug inputs' and"
                    + " for the dump a manager failure leaves in the state directory (default: ${DEFAULT-VALUE}).")
    int inputJournalSize;

    @Override
    public Integer call() {
        return run(new NodeDaemon.Options(configDir, node, socket, stateDir, inputJournalSize, arbiter()));
    }

    /** Whether this command insists on running as an arbiter ({@link ArbiterCommand}). */
    boolean arbiter() {
        return false;
    }

    /** Runs the daemon; the picocli command and hactl's quick path ({@link QuickCommands}) both come here. */
    static int run(NodeDaemon.Options options) {
        if (options.inputJournalSize() < 1) {
            System.err.println("hactl daemon: --input-journal-size must be at least 1");
            return NodeDaemon.EXIT_FAILED;
        }
        return new NodeDaemon(options, System.err).run();
    }
}
