package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code hactl propagate}: Heartbeat's {@code ha_propagate} through the daemon (docs/propagate.md).
 * Prints each live peer's answer; exit status 1 unless every peer installed and reloaded.
 */
@Command(name = "propagate", mixinStandardHelpOptions = true,
        description = {"Send this node's haresources, authkeys and the cluster-wide part of ha.cf to every live",
                "peer over the authenticated links; each peer with 'propagate on' in its ha.cf checks them,",
                "installs them (keeping its node-local ha.cf lines and the previous files as *.bak) and reloads.",
                "Needs 'propagate on' on this node too, and the files must be what this node runs (hactl reload",
                "first). Exit status 1 unless every peer applied them."})
final class PropagateCommand extends DaemonRequestCommand {

    /** The daemon waits up to 20 s for the peers' answers; their reloads run OCF meta-data. */
    private static final long TIMEOUT_MS = 60_000;

    PropagateCommand() {
        super("propagate", TIMEOUT_MS);
    }

    @Override
    int report(JsonNode r, PrintWriter out, PrintWriter err) {
        for (JsonNode p : r.path("peers")) {
            boolean applied = p.path("applied").asBoolean(false);
            (applied ? out : err).println(p.path("node").asText() + ": " + p.path("message").asText());
            for (JsonNode problem : p.path("problems")) {
                err.println("  " + problem.asText());
            }
        }
        return r.path("applied_everywhere").asBoolean(false) ? 0 : 1;
    }
}
