package io.lifeline.cli;

import io.lifeline.control.ControlProtocol;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hactl events}: the resource manager's recent transitions, each with its reason. The work
 * is {@link EventsView}'s; plain uses of these options skip picocli ({@link QuickCommands}).
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Recent transitions of groups and resources on this node, with the reason for each,",
                "oldest first. Exit status: 0 daemon answered (or following was stopped),",
                "1 not reachable or failed, 2 bad option value."})
public final class EventsCommand implements Callable<Integer> {

    @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Option(names = {"-n", "--last"}, paramLabel = "N", description = "Only the last N events (default: all kept).")
    int last;

    @Option(names = "--json", description = "Print the daemon's answer as JSON (with --follow: one event object per line).")
    boolean json;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events as they happen, until Ctrl-C.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "TIME",
            description = "How often --follow asks the daemon, 200ms to 1h (default: ${DEFAULT-VALUE} s).")
    String interval = QuickCommands.EVENTS_INTERVAL;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return EventsView.run(new EventsView.Options(socket, last, json, follow, interval),
                spec.commandLine().getOut(), spec.commandLine().getErr(),
                follow ? Interruption.install() : Interruption.none());
    }
}
