package io.lifeline.cli;

import picocli.CommandLine.Command;

/**
 * {@code hactl arbiter}: the daemon of a witness node, which votes and runs no resources
 * (docs/split-brain.md, "Arbiter"). It is {@code hactl daemon} on a node that ha.cf names in an
 * {@code arbiter} line, with that line required: a witness started against a configuration that
 * does not know it would otherwise be an ordinary node, eligible for every group.
 */
@Command(name = "arbiter", mixinStandardHelpOptions = true,
        description = {"Run this node as an arbiter (a witness) in the foreground until SIGTERM: it joins the",
                "links, votes for quorum and runs no resources. ha.cf on every node must list it as a node",
                "and in an 'arbiter NODE' line. Needs neither the resource agents nor the services installed.",
                "Exit status: as 'hactl daemon'; 6 also when ha.cf does not name this node an arbiter."})
public final class ArbiterCommand extends DaemonCommand {

    @Override
    boolean arbiter() {
        return true;
    }
}
