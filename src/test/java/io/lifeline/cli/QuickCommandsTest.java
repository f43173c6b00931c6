package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** hactl's quick path must understand its arguments exactly as picocli does, or leave them to it. */
class QuickCommandsTest {

    private static String[] args(String line) {
        return line.split(" ");
    }

    @Test
    void statusArgumentsParseAsPicocliParsesThem() {
        for (String line : new String[] {"status", "status --json", "status --socket /tmp/x.sock", "status --socket=/tmp/y",
                "status -w", "status --watch --interval 500ms", "status --watch --interval=3 --count 2 --json",
                "status --count=7 --socket /a --watch"}) {
            StatusView.Options quick = QuickCommands.status(args(line));
            assertNotNull(quick, line);
            StatusCommand cmd = new StatusCommand();
            new CommandLine(cmd).parseArgs(Arrays.copyOfRange(args(line), 1, args(line).length));
            assertEquals(new StatusView.Options(cmd.socket, cmd.json, cmd.watch, cmd.interval, cmd.count), quick, line);
        }
    }

    @Test
    void eventsArgumentsParseAsPicocliParsesThem() {
        for (String line : new String[] {"events", "events -n 5", "events --last=3 --json", "events -f",
                "events --follow --interval 2s --socket /s", "events --socket=/t -n 0 --json --follow"}) {
            EventsView.Options quick = QuickCommands.events(args(line));
            assertNotNull(quick, line);
            EventsCommand cmd = new EventsCommand();
            new CommandLine(cmd).parseArgs(Arrays.copyOfRange(args(line), 1, args(line).length));
            assertEquals(new EventsView.Options(cmd.socket, cmd.last, cmd.json, cmd.follow, cmd.interval), quick, line);
        }
    }

    @Test
    void daemonArgumentsParseAsPicocliParsesThem() {
        for (String line : new String[] {"daemon", "daemon -c /x --node n1", "daemon --config=/c --socket /s --state-dir /d",
                "daemon --input-journal-size 5 --node=n2", "daemon --input-journal-size=0"}) {
            var quick = QuickCommands.daemon(args(line));
            assertNotNull(quick, line);
            DaemonCommand cmd = new DaemonCommand();
            new CommandLine(cmd).parseArgs(Arrays.copyOfRange(args(line), 1, args(line).length));
            assertEquals(new io.lifeline.daemon.NodeDaemon.Options(cmd.configDir, cmd.node, cmd.socket, cmd.stateDir,
                    cmd.inputJournalSize), quick, line);
        }
        for (String line : new String[] {"daemon --help", "daemon -c", "daemon --node", "daemon --nodes n1",
                "daemon --input-journal-size x", "daemon -V"}) {
            assertNull(QuickCommands.daemon(args(line)), line);
        }
    }

    @Test
    void versionPrintsWhatPicocliPrints() {
        StringWriter picocli = new StringWriter();
        CommandLine cl = Hactl.newCommandLine();
        cl.setOut(new PrintWriter(picocli));
        assertEquals(0, cl.execute("--version"));
        StringWriter quick = new StringWriter();
        PrintWriter out = new PrintWriter(quick);
        QuickCommands.version(out);
        out.flush();
        assertEquals(picocli.toString(), quick.toString());
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        for (String line : new String[] {"status --help", "status -h", "status --jsn", "status --socket", "status extra",
                "status --count x", "status --count -1", "status --json=yes", "status --socket=", "events -n",
                "events -n five", "events -n5", "events --tail", "events -V", "takeover web", "--version extra", "-V -h"}) {
            String[] a = args(line);
            Object parsed = a[0].equals("status") ? QuickCommands.status(a)
                    : a[0].equals("events") ? QuickCommands.events(a) : QuickCommands.run(a);
            assertNull(parsed, line);
        }
    }

    /** Surefire's fork talks through pipes: no terminal, on JDK 22-24 too (where System.console() is never null). */
    @Test
    void pipesAreNoTerminal() {
        assertFalse(QuickCommands.terminal(), "java " + Runtime.version());
    }
}
