package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

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
final class ReloadCommand extends DaemonRequestCommand {

    static final int EXIT_NOT_RELOADED = 1;
    /** Validation runs every OCF agent's meta-data action, as check-config does: allow it time. */
    private static final long TIMEOUT_MS = 120_000;

    ReloadCommand() {
        super("reload", TIMEOUT_MS);
    }

    @Override
    int report(JsonNode r, PrintWriter out, PrintWriter err) {
        boolean applied = r.path("applied").asBoolean(false);
        for (JsonNode p : r.path("problems")) {
            err.println(p.asText());
        }
        for (JsonNode w : r.path("warnings")) {
            err.println(w.asText());
        }
        (applied ? out : err).println((applied ? "" : "hactl reload: ") + r.path("message").asText());
        return applied ? 0 : EXIT_NOT_RELOADED;
    }
}
