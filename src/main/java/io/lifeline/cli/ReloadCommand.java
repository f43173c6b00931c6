package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hactl reload}: the running daemon re-reads and validates ha.cf, haresources and
 * authkeys and applies the difference (the same as SIGHUP). Prints what changed, or every
 * problem with file:line when the files are not valid (then nothing changed and the exit status
 * is 1).
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Re-read ha.cf, haresources and authkeys and apply the difference without a restart",
                "(the same as SIGHUP): unchanged groups are not touched, added groups are placed, removed",
                "groups stopped, changed groups restarted from their first changed resource. An invalid",
                "configuration changes nothing: every problem is printed with file:line and the exit status is 1."})
final class ReloadCommand implements Callable<Integer> {

    static final int EXIT_NOT_RELOADED = 1;
    /** Validation runs every OCF agent's meta-data action, as check-config does: allow it time. */
    private static final long TIMEOUT_MS = 120_000;

    @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            JsonNode r = new ControlClient(socket, TIMEOUT_MS).call("reload", ControlProtocol.json().createObjectNode());
            boolean applied = r.path("applied").asBoolean(false);
            for (JsonNode p : r.path("problems")) {
                err.println(p.asText());
            }
            for (JsonNode w : r.path("warnings")) {
                err.println(w.asText());
            }
            (applied ? out : err).println((applied ? "" : "hactl reload: ") + r.path("message").asText());
            return applied ? 0 : EXIT_NOT_RELOADED;
        } catch (ControlClient.NotReachable e) {
            err.println("hactl: " + e.getMessage());
            return 1;
        } catch (ControlException e) {
            err.println("hactl reload: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
