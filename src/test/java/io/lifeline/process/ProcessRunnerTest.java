package io.lifeline.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.script.TestScripts;
import io.lifeline.process.ProcessResult.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void endLeftovers() {
        started.forEach(TestScripts::kill);
    }

    private ProcessResult run(Path script, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        return runner.run(new ProcessRequest("test", command, Map.of("PATH", ScriptEnvironment.PATH, "MARK", "x"),
                timeout));
    }

    @Test
    void capturesExitCodeStdoutAndStderrSeparately() throws Exception {
        Path s = TestScripts.write(dir.resolve("s"), "echo out $1; echo err >&2; exit 3");
        ProcessResult r = run(s, Duration.ofSeconds(30), "arg");
        assertEquals(Outcome.EXITED, r.outcome());
        assertEquals(3, r.exitCode());
        assertEquals("out arg\n", r.stdout());
        assertEquals("err\n", r.stderr());
    }

    @Test
    void environmentIsExactlyTheRequestedOneWorkingDirIsRootStdinIsEmpty() throws Exception {
        Path s = TestScripts.write(dir.resolve("s"), "env; echo \"cwd=$(pwd)\"; echo \"stdin=$(cat)\"");
        ProcessResult r = run(s, Duration.ofSeconds(30));
        assertEquals(0, r.exitCode());
        List<String> lines = r.stdout().lines().toList();
        assertTrue(lines.contains("MARK=x"), r.stdout());
        assertTrue(lines.contains("cwd=/"), r.stdout());
        assertTrue(lines.contains("stdin="), r.stdout());
        // the shell itself adds PWD, SHLVL and _; nothing else may come from the JVM's environment
        Set<String> allowed = Set.of("PATH", "MARK", "PWD", "SHLVL", "_", "OLDPWD");
        for (String line : lines) {
            if (line.startsWith("cwd=") || line.startsWith("stdin=")) {
                continue;
            }
            String name = line.substring(0, line.indexOf('='));
            assertTrue(allowed.contains(name), "leaked variable " + line);
        }
    }

    @Test
    void boundsOutputAndMarksTheCutWithoutBlockingTheScript() throws Exception {
        ProcessRunner small = new ProcessRunner(List.of(), 1000);
        Path s = TestScripts.write(dir.resolve("s"),
                "i=0; while [ $i -lt 5000 ]; do echo 0123456789012345678901234567890123456789; i=$((i+1)); done; "
                        + "echo done >&2");
        ProcessResult r = small.run(new ProcessRequest("test", List.of(s.toString()), Map.of(), Duration.ofSeconds(60)));
        assertEquals(0, r.exitCode());
        // 5000 lines of 41 bytes = 205000 bytes; 1000 kept, the rest counted
        assertTrue(r.stdout().startsWith("0123456789"), r.stdout());
        assertTrue(r.stdout().endsWith("[... 204000 bytes truncated]\n"), r.stdout());
        assertTrue(r.stdout().length() < 1100, "kept " + r.stdout().length());
        assertEquals("done\n", r.stderr());
    }

    @Test
    void timeoutKillsTheScriptItsChildAndItsDaemonizedGrandchild() throws Exception {
        Path childPid = dir.resolve("child.pid");
        Path grandchildPid = dir.resolve("grandchild.pid");
        Path scriptPid = dir.resolve("script.pid");
        // the child stays attached; the grandchild's parent exits, so it is re-parented to init
        // and no longer among the script's descendants; only the process-group kill reaches it
        Path s = TestScripts.write(dir.resolve("s"), "echo $$ > " + scriptPid + "\n"
                + "sleep 300 > /dev/null 2>&1 &\necho $! > " + childPid + "\n"
                + "( sleep 301 > /dev/null 2>&1 & echo $! > " + grandchildPid + " )\n"
                + "sleep 302");
        ProcessResult r = run(s, Duration.ofSeconds(2));
        List<Long> pids = List.of(TestScripts.readPid(scriptPid).orElseThrow(),
                TestScripts.readPid(childPid).orElseThrow(), TestScripts.readPid(grandchildPid).orElseThrow());
        started.addAll(pids);
        assertEquals(Outcome.TIMED_OUT, r.outcome());
        assertTrue(r.error().startsWith("timed out after 2s; killed process group"), r.error());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> pids.stream().noneMatch(TestScripts::isRunning));
    }

    @Test
    void returnsWhenTheScriptExitsEvenIfABackgroundChildKeepsItsOutputOpen() throws Exception {
        Path childPid = dir.resolve("child.pid");
        // the background sleep inherits stdout: reading to end-of-stream would wait for it
        Path s = TestScripts.write(dir.resolve("s"), "sleep 120 &\necho $! > " + childPid + "\necho started");
        long t0 = System.nanoTime();
        ProcessResult r = run(s, Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        TestScripts.readPid(childPid).ifPresent(started::add);
        assertEquals(Outcome.EXITED, r.outcome());
        assertEquals(0, r.exitCode());
        assertEquals("started\n", r.stdout());
        assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "took " + took);
        // a normal exit kills nothing: the background child is the service the script started
        assertTrue(TestScripts.isRunning(TestScripts.readPid(childPid).orElseThrow()));
    }

    /**
     * With the JDK's own pipes, the process reaper closed stdout's read end when the script exited,
     * and a daemon writing to the inherited stdout afterwards died of SIGPIPE.
     */
    @Test
    void aBackgroundChildThatWritesAfterTheScriptExitedIsNotKilledBySigpipe() throws Exception {
        Path childPid = dir.resolve("writer.pid");
        Path s = TestScripts.write(dir.resolve("w"),
                "sh -c 'i=0; while [ $i -lt 40 ]; do echo tick $i; i=$((i+1)); sleep 0.05; done; sleep 120' &\n"
                        + "echo $! > " + childPid + "\nexit 0");
        ProcessResult r = run(s, Duration.ofSeconds(60));
        long pid = TestScripts.readPid(childPid).orElseThrow();
        started.add(pid);
        assertEquals(Outcome.EXITED, r.outcome());
        // it writes every 50 ms for 2 s after the script is gone; it must still be alive afterwards
        await().pollDelay(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(10))
                .until(() -> TestScripts.isRunning(pid));
    }

    @Test
    void missingProgramIsAStartFailureNotAnExitCode() {
        ProcessResult r = run(dir.resolve("no-such-script"), Duration.ofSeconds(30));
        assertEquals(Outcome.START_FAILED, r.outcome());
        assertTrue(r.error().contains("no-such-script"), r.error());
        assertFalse(r.exited());
    }

    @Test
    void commandPrefixWrapsEveryCommand() throws Exception {
        ProcessRunner prefixed = new ProcessRunner(List.of("/usr/bin/env", "WRAPPED=yes"), 4096);
        Path s = TestScripts.write(dir.resolve("s"), "echo \"$WRAPPED $1\"");
        ProcessResult r = prefixed.run(new ProcessRequest("test", List.of(s.toString(), "a"), Map.of(),
                Duration.ofSeconds(30)));
        assertEquals("yes a\n", r.stdout());
    }
}
