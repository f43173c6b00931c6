package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The operator commands that ask the resource manager to move groups: {@code takeover},
 * {@code standby}, {@code online}, {@code failover}, {@code unpin}, {@code cleanup}, {@code maintenance}.
 * Each prints the manager's one-line answer. Exit status: 0 accepted, 1 daemon not
 * reachable, 3 refused by the manager (the reason is printed), 2 bad usage.
 */
final class OperatorCommands {

    static final int EXIT_REFUSED = 3;
    /** Commands return once the manager decided; the moves themselves follow (see hactl status / events). */
    private static final long TIMEOUT_MS = 10_000;

    private OperatorCommands() {
    }

    /** The shared part: the socket option and one request/answer. */
    abstract static class Base implements Callable<Integer> {

        @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
        Path socket = ControlProtocol.DEFAULT_SOCKET;

        @Spec
        CommandSpec spec;

        abstract String command();

        abstract ObjectNode args();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                JsonNode result = new ControlClient(socket, TIMEOUT_MS).call(command(), args());
                out.println(result.path("message").asText());
                out.flush();
                return 0;
            } catch (ControlClient.NotReachable e) {
                err.println("hactl: " + e.getMessage());
                return 1;
            } catch (ControlException e) {
                err.println("hactl " + command() + ": " + e.getMessage());
                return e.code().equals("rejected") || e.code().equals("bad_args") ? EXIT_REFUSED : 1;
            } finally {
                err.flush();
            }
        }

        static ObjectNode object() {
            return ControlProtocol.json().createObjectNode();
        }
    }

    @Command(name = "takeover", mixinStandardHelpOptions = true,
            description = {"Move groups to this node (Heartbeat's hb_takeover).",
                    "all (default): every group; local: groups whose home is this node; foreign: the others;",
                    "or a group name (its first resource word, as in hactl status)."})
    static final class Takeover extends Base {
        @Parameters(arity = "0..1", paramLabel = "all|local|foreign|GROUP", defaultValue = "all")
        String what;

        @Override
        String command() {
            return "takeover";
        }

        @Override
        ObjectNode args() {
            return object().put("what", what);
        }
    }

    @Command(name = "standby", mixinStandardHelpOptions = true,
            description = {"This node gives the selected groups away and refuses them until 'hactl online'",
                    "(Heartbeat's hb_standby, but lasting, like Pacemaker's standby)."})
    static final class Standby extends Base {
        @Parameters(arity = "0..1", paramLabel = "all|local|foreign", defaultValue = "all")
        String scope;

        @Override
        String command() {
            return "standby";
        }

        @Override
        ObjectNode args() {
            return object().put("scope", scope);
        }
    }

    @Command(name = "online", mixinStandardHelpOptions = true, description = "End standby: this node may run any group again.")
    static final class Online extends Base {
        @Override
        String command() {
            return "online";
        }

        @Override
        ObjectNode args() {
            return object();
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Move a group to NODE, or to the best node other than where it runs now.")
    static final class Failover extends Base {
        @Parameters(paramLabel = "GROUP")
        String group;

        @Option(names = "--to", paramLabel = "NODE", description = "Destination node.")
        String to;

        @Override
        String command() {
            return "failover";
        }

        @Override
        ObjectNode args() {
            ObjectNode a = object().put("group", group);
            if (to != null) {
                a.put("to", to);
            }
            return a;
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true,
            description = {"Clear the pins that takeover and failover set (of one group, or all), on every node;",
                    "placement then decides again (a pin never beats eligibility or connectivity anyway)."})
    static final class Unpin extends Base {
        @Parameters(arity = "0..1", paramLabel = "GROUP|all", defaultValue = "all")
        String group;

        @Override
        String command() {
            return "unpin";
        }

        @Override
        ObjectNode args() {
            return object().put("group", group);
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Forget failcounts and lift blocks (of one resource or group, or all), on every node.")
    static final class Cleanup extends Base {
        @Parameters(arity = "0..1", paramLabel = "RESOURCE|GROUP")
        String resource;

        @Override
        String command() {
            return "cleanup";
        }

        @Override
        ObjectNode args() {
            ObjectNode a = object();
            if (resource != null) {
                a.put("resource", resource);
            }
            return a;
        }
    }

    @Command(name = "maintenance", mixinStandardHelpOptions = true,
            description = {"Cluster-wide maintenance mode: 'on' stops managing (nothing is started, stopped",
                    "or monitored; what runs keeps running); 'off' probes every resource, then manages again."})
    static final class Maintenance extends Base {
        @Parameters(paramLabel = "on|off")
        String mode;

        @Override
        String command() {
            return "maintenance";
        }

        @Override
        ObjectNode args() {
            return object().put("on", switch (mode.toLowerCase(Locale.ROOT)) {
                case "on", "yes", "true", "1" -> true;
                case "off", "no", "false", "0" -> false;
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "maintenance: expected on or off, got '" + mode + "'");
            });
        }
    }
}
