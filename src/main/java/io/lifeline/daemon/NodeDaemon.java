package io.lifeline.daemon;

import io.lifeline.cli.Version;
import io.lifeline.cluster.Cluster;
import io.lifeline.cluster.ClusterStartException;
import io.lifeline.config.ClusterConfig;
import io.lifeline.config.ConfigException;
import io.lifeline.config.ConfigLoader;
import io.lifeline.config.ConfigProblem;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlServer;
import io.lifeline.control.StatusReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hactl daemon}: loads ha.d, joins the cluster on every link, serves the control socket
 * and runs until SIGTERM/SIGINT, when it leaves the cluster cleanly (peers log a leave, not a
 * death) and removes its socket.
 */
public final class NodeDaemon {

    /** Exit codes: OCF-like, so scripts can tell a configuration problem from a runtime one. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_NOT_CONFIGURED = 6;

    private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);

    /** Command-line settings of the daemon. */
    public record Options(Path configDir, String nodeName, Path socket, Path stateDir) {
    }

    private final Options options;
    private final PrintStream err;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public NodeDaemon(Options options, PrintStream err) {
        this.options = options;
        this.err = err;
    }

    /** Runs until the JVM is asked to stop; returns the exit code for start-up failures. */
    public int run() {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(options.configDir());
        } catch (ConfigException e) {
            err.println("hactl daemon: configuration in " + options.configDir() + " is not usable:");
            for (ConfigProblem p : e.problems()) {
                err.println("  " + p);
            }
            return EXIT_NOT_CONFIGURED;
        }
        String node = options.nodeName() != null ? options.nodeName() : LocalNodeName.get();
        if (!config.haCf().hasNode(node)) {
            err.println("hactl daemon: this node's name '" + node + "' is not a node in " + config.haCf().file()
                    + " (nodes: " + String.join(", ", config.haCf().nodes()) + "); fix ha.cf or pass --node NAME");
            return EXIT_NOT_CONFIGURED;
        }
        LoggingSetup.apply(config.haCf()).forEach(LOG::warn);
        LOG.info("Lifeline {} starting as node {} (config {}, pid {})", Version.current(), node,
                options.configDir(), ProcessHandle.current().pid());

        RunMarker marker;
        try {
            marker = new RunMarker(options.stateDir());
            if (marker.previousShutdown().equals("unclean")) {
                LOG.warn("the previous daemon run did not stop cleanly ({}); resources may still be held",
                        marker.previousRun());
            }
        } catch (IOException e) {
            err.println("hactl daemon: cannot use state directory " + options.stateDir() + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        if (config.haCf().realtime()) {
            Realtime.apply(config.haCf().rtprio());
        }

        Cluster cluster = new Cluster(config, node, Clock.systemUTC());
        ControlServer control = new ControlServer(options.socket());
        StatusReport.DaemonInfo info = new StatusReport.DaemonInfo(Version.current(), ProcessHandle.current().pid(),
                marker.previousShutdown());
        control.register("status", args -> {
            try {
                return StatusReport.build(cluster.status(), info);
            } catch (TimeoutException e) {
                throw new ControlException("busy", "the cluster layer did not answer in time");
            }
        });
        try {
            cluster.start();
        } catch (ClusterStartException e) {
            LOG.error("cannot start: {}", e.getMessage());
            err.println("hactl daemon: " + e.getMessage());
            cluster.close();
            return EXIT_FAILED;
        }
        try {
            control.start();
        } catch (IOException e) {
            LOG.error("cannot open the control socket {}: {}", options.socket(), e.getMessage());
            err.println("hactl daemon: cannot open the control socket " + options.socket() + ": " + e.getMessage());
            cluster.close();
            return EXIT_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping (signal received)");
            control.close();
            cluster.close();
            marker.stoppedCleanly();
            LOG.info("stopped");
            stopped.countDown();
        }, "lifeline-shutdown"));
        LOG.info("running; control socket {}", options.socket());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }
}
