package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hactl events}: the resource manager's recent transitions, each with its reason. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Recent transitions of groups and resources on this node, with the reason for each,",
                "oldest first. Exit status: 0 daemon answered, 1 not reachable or failed."})
public final class EventsCommand implements Callable<Integer> {

    @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Option(names = {"-n", "--last"}, paramLabel = "N", description = "Only the last N events (default: all kept).")
    int last;

    @Option(names = "--json", description = "Print the daemon's answer as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonNode result;
        try {
            result = new ControlClient(socket, StatusCommand.TIMEOUT_MS).call("events",
                    ControlProtocol.json().createObjectNode().put("limit", Math.max(0, last)));
        } catch (ControlClient.NotReachable e) {
            err.println("hactl: " + e.getMessage());
            return 1;
        } catch (ControlException e) {
            err.println("hactl events: " + e.getMessage() + " (" + e.code() + ")");
            return 1;
        } finally {
            err.flush();
        }
        if (json) {
            out.println(result.toPrettyString());
        } else {
            for (JsonNode e : result.path("events")) {
                String group = e.path("group").isNull() ? "" : " [" + e.path("group").asText() + "]";
                out.printf("%s %-5s %-10s%s %s%n", e.path("at").asText(), e.path("level").asText().toUpperCase(Locale.ROOT),
                        e.path("kind").asText(), group, e.path("message").asText());
            }
        }
        out.flush();
        return 0;
    }
}
