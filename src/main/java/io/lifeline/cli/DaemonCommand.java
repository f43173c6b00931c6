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
                "Exit status: 1 start-up failure, 6 configuration not usable."})
public final class DaemonCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "DIR", defaultValue = "/etc/ha.d",
            description = "Configuration directory with ha.cf, haresources, authkeys (default: ${DEFAULT-VALUE}).")
    Path configDir;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name as listed in ha.cf (default: the kernel host name, as 'uname -n').")
    String node;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket (default: ${DEFAULT-VALUE}).")
    Path socket = ControlProtocol.DEFAULT_SOCKET;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/lifeline",
            description = "Directory for the daemon's state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Override
    public Integer call() {
        return new NodeDaemon(new NodeDaemon.Options(configDir, node, socket, stateDir), System.err).run();
    }
}
