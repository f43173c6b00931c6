package io.lifeline.agent.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Heartbeat, LSB and systemd agents against small scripts with known behaviour. */
class ScriptAgentsTest {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();

    @Test
    void heartbeatScriptGetsArgsBeforeTheActionAndStatusIsReadFromStdout() throws Exception {
        Path state = dir.resolve("state");
        Path calls = dir.resolve("calls");
        Path script = TestScripts.write(dir.resolve("web"), """
                echo "$*" >> %s
                case "$3" in
                  start) touch %s ;;
                  stop) rm -f %s ;;
                  status) if [ -f %s ]; then echo "web is running"; else echo "web is not running"; fi; exit 0 ;;
                esac
                """.formatted(calls, state, state, state));
        HeartbeatScriptAgent agent = new HeartbeatScriptAgent("web", "web::a b::c", script, List.of("a b", "c"), runner);

        assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status());
        AgentResult running = agent.monitor(T);
        assertEquals(OcfStatus.SUCCESS, running.status());
        assertEquals("web is running", running.message());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
        assertEquals(OcfStatus.NOT_RUNNING, agent.monitor(T).status());
        // "a b" stays one argument: no shell splits it
        assertEquals(List.of("a b c status", "a b c start", "a b c status", "a b c stop", "a b c status"),
                Files.readAllLines(calls));
    }

    @Test
    void heartbeatStatusIgnoresTheExitCodeAndStartFailureCarriesStderr() throws Exception {
        Path script = TestScripts.write(dir.resolve("odd"), """
                case "$1" in
                  status) echo "OK"; exit 3 ;;
                  start) echo "cannot bind port 80" >&2; exit 1 ;;
                esac
                """);
        HeartbeatScriptAgent agent = new HeartbeatScriptAgent("odd", "odd", script, List.of(), runner);
        assertEquals(OcfStatus.SUCCESS, agent.monitor(T).status());
        AgentResult start = agent.start(T);
        assertEquals(OcfStatus.ERR_GENERIC, start.status());
        assertEquals("start: exit code 1: cannot bind port 80", start.message());
    }

    @Test
    void missingScriptIsNotInstalledWithoutRunningAnything() {
        HeartbeatScriptAgent agent = new HeartbeatScriptAgent("gone", "gone", dir.resolve("gone"), List.of(), runner);
        AgentResult r = agent.start(T);
        assertEquals(OcfStatus.ERR_INSTALLED, r.status());
        assertTrue(r.message().endsWith("does not exist"), r.message());
        assertEquals(OcfStatus.ERR_INSTALLED, agent.validate(T).status());
    }

    @Test
    void actionTimeoutIsAGenericErrorThatSaysSo() throws Exception {
        Path script = TestScripts.write(dir.resolve("slow"), "exec sleep 300");
        HeartbeatScriptAgent agent = new HeartbeatScriptAgent("slow", "slow", script, List.of(), runner);
        AgentResult r = agent.start(Duration.ofSeconds(1));
        assertEquals(OcfStatus.ERR_GENERIC, r.status());
        assertTrue(r.message().startsWith("start timed out after 1s; killed process group"), r.message());
    }

    @Test
    void lsbScriptIsJudgedByExitCodesAndGetsNoArguments() throws Exception {
        Path code = dir.resolve("code");
        Path args = dir.resolve("args");
        Path script = TestScripts.write(dir.resolve("svc"), """
                echo "$#:$*" >> %s
                case "$1" in
                  status) exit $(cat %s) ;;
                  *) exit 0 ;;
                esac
                """.formatted(args, code));
        LsbScriptAgent agent = new LsbScriptAgent("lsb:svc", "lsb:svc", script, runner);
        int[] codes = {0, 1, 2, 3, 4};
        OcfStatus[] expected = {OcfStatus.SUCCESS, OcfStatus.ERR_GENERIC, OcfStatus.ERR_GENERIC,
            OcfStatus.NOT_RUNNING, OcfStatus.ERR_GENERIC};
        for (int i = 0; i < codes.length; i++) {
            Files.writeString(code, Integer.toString(codes[i]));
            assertEquals(expected[i], agent.monitor(T).status(), "status exit " + codes[i]);
        }
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status());
        assertEquals(OcfStatus.SUCCESS, agent.stop(T).status());
        assertEquals("1:start", Files.readAllLines(args).get(5));
    }

    @Test
    void systemdUnitStatesMapToResults() throws Exception {
        Path state = dir.resolve("state");
        Path systemctl = TestScripts.write(dir.resolve("systemctl"), """
                case "$1" in
                  is-active) cat %s; [ "$(cat %s)" = active ] ;;
                  show) [ "$5" = web.service ] && echo loaded || echo not-found ;;
                  start|stop) echo "$1 $2" > %s.last ;;
                esac
                """.formatted(state, state, state));
        SystemdUnitAgent agent = new SystemdUnitAgent("systemd:web", systemctl, "web", runner);
        assertEquals("systemd:web.service", agent.type());
        String[] states = {"active", "inactive", "failed", "activating", "deactivating"};
        OcfStatus[] expected = {OcfStatus.SUCCESS, OcfStatus.NOT_RUNNING, OcfStatus.ERR_GENERIC, OcfStatus.SUCCESS,
            OcfStatus.ERR_GENERIC};
        for (int i = 0; i < states.length; i++) {
            Files.writeString(state, states[i] + "\n");
            assertEquals(expected[i], agent.monitor(T).status(), states[i]);
        }
        assertEquals(OcfStatus.SUCCESS, agent.start(T).status());
        assertEquals("start web.service", Files.readString(dir.resolve("state.last")).strip());
        assertEquals(OcfStatus.SUCCESS, agent.validate(T).status());
        assertEquals(OcfStatus.ERR_INSTALLED,
                new SystemdUnitAgent("systemd:nope", systemctl, "nope", runner).validate(T).status());
    }
}
