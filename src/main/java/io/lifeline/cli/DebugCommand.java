package io.lifeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.ControlProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hactl debug ...}: what developers need to understand a running daemon. */
@Command(name = "debug", mixinStandardHelpOptions = true,
        description = "Debugging aids for a running daemon.",
        subcommands = {DebugCommand.Inputs.class})
public final class DebugCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code hactl debug inputs}: the resource manager's input journal, dumped by the daemon. */
    @Command(name = "inputs", mixinStandardHelpOptions = true,
            description = {"Dump the resource manager's latest inputs (its input journal, JSON lines: a header with",
                    "the configuration, then one input per line) to a new file in the daemon's state directory",
                    "and print its name; a test can replay it (docs/manager.md, 'Input journal').",
                    "Exit status: 0 written, 1 not reachable or failed."})
    public static final class Inputs implements Callable<Integer> {

        @Option(names = "--socket", paramLabel = "PATH", description = "Control socket (default: ${DEFAULT-VALUE}).")
        Path socket = ControlProtocol.DEFAULT_SOCKET;

        @Option(names = "--print", description = "Also print the dump's JSON lines on standard output.")
        boolean print;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                JsonNode result = new ControlClient(socket, StatusCommand.TIMEOUT_MS).call("debug_inputs", null);
                Path file = Path.of(result.path("file").asText());
                if (print) {
                    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        r.lines().forEach(out::println);
                    }
                } else {
                    long dropped = result.path("dropped").asLong();
                    out.println(result.path("inputs").asLong() + " inputs" + (dropped > 0 ? " (" + dropped
                            + " older ones no longer kept)" : " (every input since the daemon started)")
                            + " written to " + file);
                }
                return 0;
            } catch (ControlClient.NotReachable e) {
                err.println("hactl: " + e.getMessage());
                return 1;
            } catch (ControlException e) {
                err.println("hactl debug inputs: " + e.getMessage() + " (" + e.code() + ")");
                return 1;
            } catch (IOException e) {
                err.println("hactl debug inputs: the daemon wrote the dump but it cannot be read here: "
                        + e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }
}
