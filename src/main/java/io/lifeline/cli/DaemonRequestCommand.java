package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A hactl command that is one request to the running daemon, without arguments, whose answer it
 * prints ({@code hactl reload}, {@code hactl propagate}). This part owns what they share: the
 * {@code --socket} option, the request with the command's own timeout, and the two failures every
 * such command reports alike, exit status 1: {@code hactl: ...} when no daemon answers and
 * {@code hactl NAME: ...} when the daemon answers with an error.
 */
abstract class DaemonRequestCommand implements Callable<Integer> {

    @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Spec
    CommandSpec spec;

    private final String request;
    private final long timeoutMs;

    /**
     * @param request   the control request, which is also the command's name in error messages
     * @param timeoutMs how long the answer may take (the daemon's side of some requests is slow)
     */
    DaemonRequestCommand(String request, long timeoutMs) {
        this.request = request;
        this.timeoutMs = timeoutMs;
    }

    /** Prints the daemon's answer and returns the exit status. */
    abstract int report(JsonNode answer, PrintWriter out, PrintWriter err);

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            JsonNode answer = new ControlClient(socket, timeoutMs).call(request, ControlProtocol.json().createObjectNode());
            return report(answer, out, err);
        } catch (ControlClient.NotReachable e) {
            err.println("hactl: " + e.getMessage());
            return 1;
        } catch (ControlException e) {
            err.println("hactl " + request + ": " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
