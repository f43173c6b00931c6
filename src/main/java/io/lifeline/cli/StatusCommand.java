package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hactl status}: asks the running daemon for its view of the cluster. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show this node, every node's state, every link's state and auth drops.",
                "Exit status: 0 daemon answered, 1 daemon not reachable or failed.",
                "--json prints the schema documented in docs/status-json.md."})
public final class StatusCommand implements Callable<Integer> {

    static final long TIMEOUT_MS = 5_000;

    @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Option(names = "--json", description = "Print the daemon's answer as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonNode status;
        try {
            status = new ControlClient(socket, TIMEOUT_MS).call("status", null);
        } catch (ControlClient.NotReachable e) {
            err.println("hactl: " + e.getMessage());
            return 1;
        } catch (ControlException e) {
            err.println("hactl: the daemon refused 'status': " + e.getMessage() + " (" + e.code() + ")");
            return 1;
        }
        if (json) {
            try {
                out.println(ControlProtocol.json().writerWithDefaultPrettyPrinter().writeValueAsString(status));
            } catch (IOException e) {
                err.println("hactl: " + e.getMessage());
                return 1;
            }
        } else {
            StatusTable.print(status, out);
        }
        out.flush();
        return 0;
    }
}
