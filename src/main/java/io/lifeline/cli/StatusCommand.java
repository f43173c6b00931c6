package io.lifeline.cli;

import io.lifeline.control.ControlProtocol;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hactl status}: asks the running daemon for its view of the cluster. The work is
 * {@link StatusView}'s; plain uses of these options skip picocli entirely ({@link QuickCommands}).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show this node, every node's state, every link's state and auth drops.",
                "--json prints the schema documented in docs/status-json.md.",
                "Exit status: 0 daemon answered (or the live view was stopped),",
                "1 daemon not reachable or failed, 2 bad option value."})
public final class StatusCommand implements Callable<Integer> {

    static final long TIMEOUT_MS = StatusView.TIMEOUT_MS;

    @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Option(names = "--json", description = "Print the daemon's answer as JSON (with --watch: one object per line).")
    boolean json;

    @Option(names = {"-w", "--watch"}, description = "A live view: refresh every --interval until Ctrl-C.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "TIME",
            description = "Refresh interval of --watch, 200ms to 1h (default: ${DEFAULT-VALUE} s).")
    String interval = QuickCommands.STATUS_INTERVAL;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N refreshes (default: until Ctrl-C).")
    long count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return StatusView.run(new StatusView.Options(socket, json, watch, interval, count),
                spec.commandLine().getOut(), spec.commandLine().getErr(), QuickCommands.terminal(),
                watch ? Interruption.install() : Interruption.none());
    }
}
