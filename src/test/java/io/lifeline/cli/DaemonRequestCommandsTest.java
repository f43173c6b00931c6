package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lifeline.control.ControlException;
import io.lifeline.control.ControlServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hactl reload} and {@code hactl propagate} against a real control socket whose daemon side
 * answers as the test says: what each prints on stdout and stderr and its exit status, for an
 * applied answer, a refusal, a daemon error and no daemon at all.
 */
class DaemonRequestCommandsTest {

    @TempDir
    Path dir;
    private ControlServer server;
    private final AtomicReference<Object> answer = new AtomicReference<>();

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        server = new ControlServer(dir.resolve("hactl.sock"))
                .register("reload", args -> answer())
                .register("propagate", args -> answer());
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Object answer() throws ControlException {
        Object a = answer.get();
        if (a instanceof ControlException e) {
            throw e;
        }
        return a;
    }

    private Run hactl(String command, Path socket) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Hactl.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(command, "--socket", socket.toString());
        return new Run(rc, out.toString(), err.toString());
    }

    private Run hactl(String command) {
        return hactl(command, dir.resolve("hactl.sock"));
    }

    @Test
    void reloadPrintsWhatChangedOrEveryProblemAndTheRefusal() {
        answer.set(Map.of("applied", true, "message", "reloaded: groups: 2 unchanged", "problems", List.of(),
                "warnings", List.of("haresources:3: warning: slow")));
        assertEquals(new Run(0, "reloaded: groups: 2 unchanged\n", "haresources:3: warning: slow\n"),
                hactl("reload"));

        answer.set(Map.of("applied", false, "message", "the configuration was not reloaded",
                "problems", List.of("ha.cf:12: error: deadtime banana", "haresources:5: error: no agent x"),
                "warnings", List.of()));
        assertEquals(new Run(1, "", "ha.cf:12: error: deadtime banana\nharesources:5: error: no agent x\n"
                + "hactl reload: the configuration was not reloaded\n"), hactl("reload"));

        answer.set(new ControlException("busy", "a reload is already running"));
        assertEquals(new Run(1, "", "hactl reload: a reload is already running\n"), hactl("reload"));
    }

    @Test
    void propagatePrintsEachPeersAnswerAndFailsUnlessAllApplied() {
        answer.set(Map.of("applied_everywhere", false, "peers", List.of(
                Map.of("node", "n2", "applied", true, "message", "installed and reloaded"),
                Map.of("node", "n3", "applied", false, "message", "refused: propagate is off in n3's ha.cf",
                        "problems", List.of("ha.cf:4: error: x")))));
        assertEquals(new Run(1, "n2: installed and reloaded\n",
                "n3: refused: propagate is off in n3's ha.cf\n  ha.cf:4: error: x\n"), hactl("propagate"));

        answer.set(Map.of("applied_everywhere", true, "peers", List.of(
                Map.of("node", "n2", "applied", true, "message", "installed and reloaded"))));
        assertEquals(new Run(0, "n2: installed and reloaded\n", ""), hactl("propagate"));

        answer.set(new ControlException("rejected", "propagate is off in this node's ha.cf"));
        assertEquals(new Run(1, "", "hactl propagate: propagate is off in this node's ha.cf\n"), hactl("propagate"));
    }

    @Test
    void withoutADaemonBothSayItIsNotReachable() {
        for (String command : List.of("reload", "propagate")) {
            Run r = hactl(command, dir.resolve("none.sock"));
            assertEquals(1, r.exitCode(), command);
            assertEquals("", r.out(), command);
            assertEquals(true, r.err().startsWith("hactl: ") && r.err().endsWith("\n"), command + ": " + r.err());
        }
    }
}
