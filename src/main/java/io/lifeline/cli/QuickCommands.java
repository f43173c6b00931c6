package io.lifeline.cli;

import io.lifeline.Version;
import io.lifeline.control.ControlProtocol;
import io.lifeline.daemon.NodeDaemon;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * hactl's quick path: {@code hactl status}, {@code hactl events} and {@code hactl daemon} with
 * plain options run without picocli, so that the commands an admin (or a script) runs most, and
 * the daemon that a failback waits for, start fast.
 *
 * <p>Why: every hactl command is a JVM start, and picocli builds the model of all fourteen
 * subcommands (with their option types: VIP, proxy and agent classes) before it runs one; its
 * classes are compiled for Java 5, which class-data sharing cannot archive. That was a third of
 * {@code hactl status}'s CPU time (bench/hactl). Only arguments this parser fully understands are
 * taken; anything else ({@code --help}, a typo, a value picocli would reject, another command)
 * returns null and goes to picocli, which remains the one place for usage and errors. The option
 * names and defaults are the picocli commands' ({@code QuickCommandsTest} checks both parse
 * alike).
 */
final class QuickCommands {

    static final String STATUS_INTERVAL = "2";
    static final String DAEMON_CONFIG = "/etc/ha.d";
    static final String DAEMON_STATE = "/var/lib/lifeline";
    static final String DAEMON_JOURNAL = "2000";
    static final String EVENTS_INTERVAL = "1";

    private QuickCommands() {
    }

    /** The exit status of the command, or null if picocli has to handle these arguments. */
    static Integer run(String[] args) {
        if (args.length == 0) {
            return null;
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), false);
        if (args[0].equals("status")) {
            StatusView.Options o = status(args);
            return o == null ? null
                    : StatusView.run(o, out, err, terminal(), o.watch() ? Interruption.install() : Interruption.none());
        }
        if (args[0].equals("daemon")) {
            NodeDaemon.Options o = daemon(args);
            return o == null ? null : DaemonCommand.run(o);
        }
        if (args[0].equals("events")) {
            EventsView.Options o = events(args);
            return o == null ? null
                    : EventsView.run(o, out, err, o.follow() ? Interruption.install() : Interruption.none());
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // picocli's model of every command cost 0.3 s of CPU for this one line (bench/hactl)
            version(out);
            out.flush();
            return 0;
        }
        return null;
    }

    /** What picocli's {@code hactl --version} prints ({@link VersionProvider}). */
    static void version(PrintWriter out) {
        out.println("Lifeline " + Version.current());
    }

    /** {@code status [--socket P] [--json] [-w|--watch] [--interval T] [--count N]}, else null. */
    static StatusView.Options status(String[] args) {
        List<String[]> given = options(args, Set.of("--socket", "--interval", "--count"));
        if (given == null) {
            return null;
        }
        Path socket = ControlProtocol.DEFAULT_SOCKET;
        boolean json = false;
        boolean watch = false;
        String interval = STATUS_INTERVAL;
        long count = 0;
        for (String[] o : given) {
            switch (o[0]) {
                case "--socket" -> socket = Path.of(o[1]);
                case "--json" -> json = true;
                case "-w", "--watch" -> watch = true;
                case "--interval" -> interval = o[1];
                case "--count" -> {
                    Long n = number(o[1]);
                    if (n == null) {
                        return null;
                    }
                    count = n;
                }
                default -> {
                    return null;
                }
            }
        }
        return new StatusView.Options(socket, json, watch, interval, count);
    }

    /** {@code events [--socket P] [-n|--last N] [--json] [-f|--follow] [--interval T]}, else null. */
    static EventsView.Options events(String[] args) {
        List<String[]> given = options(args, Set.of("--socket", "--interval", "-n", "--last"));
        if (given == null) {
            return null;
        }
        Path socket = ControlProtocol.DEFAULT_SOCKET;
        int last = 0;
        boolean json = false;
        boolean follow = false;
        String interval = EVENTS_INTERVAL;
        for (String[] o : given) {
            switch (o[0]) {
                case "--socket" -> socket = Path.of(o[1]);
                case "-n", "--last" -> {
                    Long n = number(o[1]);
                    if (n == null || n > Integer.MAX_VALUE) {
                        return null;
                    }
                    last = n.intValue();
                }
                case "--json" -> json = true;
                case "-f", "--follow" -> follow = true;
                case "--interval" -> interval = o[1];
                default -> {
                    return null;
                }
            }
        }
        return new EventsView.Options(socket, last, json, follow, interval);
    }

    /** {@code daemon [-c|--config DIR] [--node NAME] [--socket P] [--state-dir DIR] [--input-journal-size N]}. */
    static NodeDaemon.Options daemon(String[] args) {
        List<String[]> given = options(args, Set.of("-c", "--config", "--node", "--socket", "--state-dir",
                "--input-journal-size"));
        if (given == null) {
            return null;
        }
        Path config = Path.of(DAEMON_CONFIG);
        String node = null;
        Path socket = ControlProtocol.DEFAULT_SOCKET;
        Path state = Path.of(DAEMON_STATE);
        int journal = Integer.parseInt(DAEMON_JOURNAL);
        for (String[] o : given) {
            switch (o[0]) {
                case "-c", "--config" -> config = Path.of(o[1]);
                case "--node" -> node = o[1];
                case "--socket" -> socket = Path.of(o[1]);
                case "--state-dir" -> state = Path.of(o[1]);
                case "--input-journal-size" -> {
                    Long n = number(o[1]);
                    if (n == null || n > Integer.MAX_VALUE) {
                        return null;
                    }
                    journal = n.intValue();
                }
                default -> {
                    return null;
                }
            }
        }
        return new NodeDaemon.Options(config, node, socket, state, journal);
    }

    /**
     * The options after the command word as {name, value} pairs ({@code --name=value} or
     * {@code --name value} for the names in {@code valued}; value null for flags); null when one
     * is malformed: a valued option without a value (or an empty one), a flag given a value.
     */
    private static List<String[]> options(String[] args, Set<String> valued) {
        List<String[]> out = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int eq = a.startsWith("--") ? a.indexOf('=') : -1;
            String name = eq > 0 ? a.substring(0, eq) : a;
            String value = eq > 0 ? a.substring(eq + 1) : null;
            if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        return null;
                    }
                    value = args[++i];
                }
                if (value.isEmpty()) {
                    return null;
                }
            } else if (value != null) {
                return null;
            }
            out.add(new String[] {name, value});
        }
        return out;
    }

    /** A plain decimal that fits a long, else null (picocli then says what is wrong). */
    private static Long number(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(s);
    }

    /**
     * True when stdout (and stdin) is a terminal: the live view then redraws the screen. Up to
     * JDK 21 (and again on 25, as measured) {@code System.console()} is null otherwise; on JDK 22
     * to 24 it is a console whatever the streams are, and only its {@code isTerminal()} (absent
     * before 22) tells, so a piped {@code hactl status --watch} got screen-clearing escapes there.
     */
    @SuppressWarnings("SystemConsoleNull") // handled: isTerminal() where the JDK has it
    static boolean terminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 17-21: a console exists only for a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
