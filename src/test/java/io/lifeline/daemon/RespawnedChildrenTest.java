package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.config.HaCfParser;
import io.lifeline.os.Posix;
import io.lifeline.os.UserAccounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Real short-lived processes under {@link RespawnedChildren}, with a fast policy. */
class RespawnedChildrenTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Restart at once after a short run, give up after 3 short runs in a row, 300 ms to stop. */
    private static final RespawnPolicy FAST = new RespawnPolicy(Duration.ofSeconds(30), Duration.ofMillis(20), 3,
            Duration.ofMillis(300));

    @TempDir
    Path dir;

    private final Diagnostics diag = new Diagnostics();
    private final List<RespawnedChildren> started = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger childLogger = (Logger) LoggerFactory.getLogger(RespawnedChild.class);

    @BeforeEach
    void captureLog() {
        log.start();
        childLogger.addAppender(log);
    }

    @AfterEach
    void stopEverything() {
        started.forEach(RespawnedChildren::close);
        childLogger.detachAppender(log);
    }

    /** An executable shell script; {@code $D} in it is the test's directory. */
    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\nD=" + dir + "\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private HaCf haCf(String lines) {
        Path file = dir.resolve("ha.cf");
        try {
            Files.writeString(file, "node a\nbcast eth0\n" + lines);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Optional<HaCf> cf = HaCfParser.parse(file, diag);
        assertTrue(cf.isPresent(), () -> "ha.cf: " + diag.problems());
        return cf.get();
    }

    private RespawnedChildren start(String lines, RespawnPolicy policy) {
        RespawnedChildren children = RespawnedChildren.plan(haCf(lines), policy, diag);
        assertFalse(diag.hasErrors(), () -> "plan: " + diag.problems());
        started.add(children);
        children.start();
        return children;
    }

    private RespawnedChild.Status only(RespawnedChildren children) {
        assertEquals(1, children.status().size());
        return children.status().get(0);
    }

    private List<String> lines(String file) {
        try {
            Path p = dir.resolve(file);
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Running: a zombie (dead, waiting for init to reap it, as orphans here may for a while) is not. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    private String currentUser() {
        return System.getProperty("user.name");
    }

    @Test
    void aProgramThatExitsIsStartedAgainAndItsOutputIsLoggedUnderItsName() throws Exception {
        Path p = script("flaky", "echo run >> $D/runs\necho \"to stdout $$\"\necho 'to stderr' >&2\nexit 3");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> lines("runs").size() >= 3);
        assertTrue(only(children).starts() >= 3);
        await().atMost(WAIT).until(() -> messages().stream().anyMatch(m -> m.startsWith("flaky: to stdout ")));
        await().atMost(WAIT).until(() -> messages().contains("flaky: to stderr"));
        assertTrue(messages().stream().anyMatch(m -> m.startsWith("flaky: exited with status 3 after")
                && m.contains("respawning")), () -> "log: " + messages());
    }

    @Test
    void exitStatus100IsNotRespawned() throws Exception {
        Path p = script("once", "echo run >> $D/runs\nexit 100");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> only(children).state() == RespawnedChild.State.EXITED);
        // the supervising thread ended with EXITED: nothing can start it again
        assertEquals(List.of("run"), lines("runs"));
        assertEquals(1, only(children).starts());
        assertEquals("exited with status 100", only(children).lastExit());
        assertTrue(messages().stream().anyMatch(m -> m.contains("will not be respawned")));
    }

    @Test
    void whatAProgramLeftRunningWhenExiting100StaysUntilTheDaemonStops() throws Exception {
        Path p = script("handover", "sleep 300 &\necho $! > $D/helper\nexit 100");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> only(children).state() == RespawnedChild.State.EXITED);
        long helper = Long.parseLong(lines("helper").get(0));
        assertTrue(alive(helper), "exit 100 may hand over to a process of its own");
        children.close();
        assertFalse(alive(helper), "stopped with the daemon: it is in the group the daemon created");
        assertFalse(messages().stream().anyMatch(m -> m.contains("sending SIGKILL")), () -> "log: " + messages());
    }

    @Test
    void aProgramDyingAtOnceIsGivenUpAfterTheShortRunLimitAsHeartbeatDoes() throws Exception {
        Path p = script("crasher", "echo run >> $D/runs\nexit 1");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> only(children).state() == RespawnedChild.State.GAVE_UP);
        // the first start and FAST.maxShortRestarts() restarts, each after a delay
        assertEquals(1 + FAST.maxShortRestarts(), lines("runs").size());
        assertEquals(1 + FAST.maxShortRestarts(), only(children).starts());
        assertTrue(messages().stream().anyMatch(m -> m.contains("respawning too fast")), () -> "log: " + messages());
    }

    @Test
    void runsLongerThanTheShortRunLimitAreAlwaysRespawned() throws Exception {
        // short runs are those under 100 ms, and a single one is already too many
        RespawnPolicy strict = new RespawnPolicy(Duration.ofMillis(100), Duration.ofMillis(20), 0, Duration.ofMillis(300));
        Path p = script("slow", "echo run >> $D/runs\nsleep 0.3\nexit 1");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", strict);
        await().atMost(WAIT).until(() -> lines("runs").size() >= 3);
        assertNotEquals(RespawnedChild.State.GAVE_UP, only(children).state());
        assertFalse(messages().stream().anyMatch(m -> m.contains("respawning too fast")));
    }

    @Test
    void aKilledProgramIsRestartedWithANewPid() throws Exception {
        Path p = script("daemonish", "echo $$ >> $D/pids\nexec sleep 300");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> lines("pids").size() == 1 && only(children).pid() != null);
        long first = Long.parseLong(lines("pids").get(0));
        assertEquals(first, only(children).pid(), "the program keeps the PID the daemon started (every step execs)");
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await().atMost(WAIT).until(() -> lines("pids").size() == 2);
        long second = Long.parseLong(lines("pids").get(1));
        assertTrue(second != first && alive(second));
        await().atMost(WAIT).until(() -> Long.valueOf(second).equals(only(children).pid()));
        assertEquals("exited with status 137 (killed by signal 9)", only(children).lastExit());
    }

    @Test
    void closeStopsTheProgramAndEverythingInItsProcessGroup() throws Exception {
        Path p = script("parent", "sleep 300 &\necho $! > $D/helper\necho $$ > $D/main\nexec sleep 300");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> lines("main").size() == 1 && lines("helper").size() == 1);
        long main = Long.parseLong(lines("main").get(0));
        long helper = Long.parseLong(lines("helper").get(0));
        assertTrue(alive(main) && alive(helper));
        children.close();
        assertFalse(alive(main), "the program");
        assertFalse(alive(helper), "what it forked");
        assertEquals(RespawnedChild.State.STOPPED, only(children).state());
        assertNull(only(children).pid());
        assertEquals(1, lines("main").size(), "not respawned after the stop");
    }

    @Test
    void aProgramIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Path p = script("stubborn", "trap '' TERM\necho $$ > $D/main\nwhile :; do sleep 0.1; done");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> lines("main").size() == 1);
        long main = Long.parseLong(lines("main").get(0));
        children.close();
        assertFalse(alive(main));
        assertTrue(messages().stream().anyMatch(m -> m.contains("sending SIGKILL")), () -> "log: " + messages());
    }

    @Test
    void processesLeftBehindByADeadProgramAreStoppedBeforeItIsRespawned() throws Exception {
        Path p = script("leaky", "sleep 300 &\necho $! >> $D/helpers\nsleep 0.2\nexit 1");
        start("respawn " + currentUser() + " " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> lines("helpers").size() >= 2);
        long firstHelper = Long.parseLong(lines("helpers").get(0));
        await().atMost(WAIT).until(() -> !alive(firstHelper));
        assertTrue(messages().stream().anyMatch(m -> m.contains("processes are left in its process group")));
    }

    @Test
    void theEnvironmentIsCleanWithTheAccountAndEnvLinesAsWrittenAndWithHeartbeatsPrefix() throws Exception {
        Path p = script("envdump", "env > $D/env\nexec sleep 300");
        start("env GREETING=hello NAME_2=a=b\nenv HA_X=explicit X=plain\n"
                + "respawn " + currentUser() + " " + p + " 'quoted arg'\n", FAST);
        await().atMost(WAIT).until(() -> lines("env").stream().anyMatch(l -> l.startsWith("PATH=")));
        Map<String, String> env = lines("env").stream().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
                        (a, b) -> b));
        assertEquals("hello", env.get("GREETING"));
        assertEquals("hello", env.get("HA_GREETING"));
        assertEquals("a=b", env.get("NAME_2"));
        assertEquals("explicit", env.get("HA_X"), "a name as written wins over Heartbeat's HA_ copy");
        assertEquals("plain", env.get("X"));
        assertEquals(currentUser(), env.get("USER"));
        assertEquals(currentUser(), env.get("LOGNAME"));
        assertEquals(UserAccounts.byName(currentUser()).orElseThrow().home().toString(), env.get("HOME"));
        assertEquals("C", env.get("LC_ALL"));
        for (String leaked : System.getenv().keySet()) {
            if (!List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "TZ", "PWD", "SHLVL", "_")
                    .contains(leaked)) {
                assertFalse(env.containsKey(leaked), "the daemon's " + leaked + " leaked into the child");
            }
        }
    }

    @Test
    void theCommandLineIsRunByTheShellAsHeartbeatDoes() throws Exception {
        Path p = script("args", "for a in \"$@\"; do echo \"[$a]\" >> $D/argv; done\nexec sleep 300");
        start("respawn " + currentUser() + " " + p + " 'two words' $HOME\n", FAST);
        await().atMost(WAIT).until(() -> lines("argv").size() == 2);
        assertEquals(List.of("[two words]", "[" + UserAccounts.byName(currentUser()).orElseThrow().home() + "]"),
                lines("argv"));
    }

    @Test
    void aRootDaemonRunsTheProgramAsTheNamedAccountWithItsGroups() throws Exception {
        assumeTrue(UserAccounts.effectiveUid() == 0, "switching accounts needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path p = script("whoami", "id -u > $D/id.tmp; id -g >> $D/id.tmp; mv $D/id.tmp $D/id\nexec sleep 300");
        start("respawn nobody " + p + "\n", FAST);
        await().atMost(WAIT).until(() -> lines("id").size() == 2);
        UserAccounts.Account nobody = UserAccounts.byName("nobody").orElseThrow();
        assertEquals(List.of(String.valueOf(nobody.uid()), String.valueOf(nobody.gid())), lines("id"));
    }

    @Test
    void theProgramDoesNotInheritTheDaemonsRaisedPriority() throws Exception {
        assumeTrue(UserAccounts.effectiveUid() == 0, "raising a priority needs root");
        int tid = Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        assertEquals(0, Posix.setpriority(Posix.PRIO_PROCESS, tid, Realtime.NICE));
        try {
            Path p = script("nice", "echo $$ > $D/main\nexec sleep 300");
            start("respawn root " + p + "\n", FAST); // the supervising thread inherits nice -10 from this one
            await().atMost(WAIT).until(() -> lines("main").size() == 1);
            String stat = Files.readString(Path.of("/proc", lines("main").get(0), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals("0", fields[16], "nice value of the program (field 19 of /proc/PID/stat)");
        } finally {
            Posix.setpriority(Posix.PRIO_PROCESS, tid, 0);
        }
    }

    @Test
    void aProgramRemovedAfterStartUpIsReportedAndNotRespawned() throws Exception {
        Path p = script("vanishing", "exit 0");
        RespawnedChildren children = RespawnedChildren.plan(haCf("respawn " + currentUser() + " " + p + "\n"),
                FAST, diag);
        started.add(children);
        Files.delete(p);
        children.start();
        await().atMost(WAIT).until(() -> only(children).state() == RespawnedChild.State.FAILED);
        assertEquals(0, only(children).starts());
        assertTrue(messages().stream().anyMatch(m -> m.contains("is missing or not executable")));
    }

    @Test
    void aDaemonThatIsNotRootCanOnlyRunProgramsAsItself() throws Exception {
        Path p = script("x", "exit 0");
        RespawnedChildren children = RespawnedChildren.plan(haCf("\nrespawn root " + p + "\n"), FAST, 4242, diag);
        assertTrue(children.isEmpty());
        assertTrue(diag.errors().stream().anyMatch(e -> e.line() == 4 && e.file().equals(dir.resolve("ha.cf"))
                && e.message().contains("runs as uid 4242, not root")), () -> "" + diag.problems());
    }

    @Test
    void twoLinesRunningTheSameProgramGetDistinctNames() throws Exception {
        Path p = script("same", "exec sleep 300");
        RespawnedChildren children = RespawnedChildren.plan(haCf("respawn " + currentUser() + " " + p + " a\n"
                + "respawn " + currentUser() + " " + p + " b\n"), FAST, diag);
        assertEquals(List.of("same@3", "same@4"), children.status().stream().map(RespawnedChild.Status::name).toList());
        assertEquals(RespawnedChild.State.NEW, children.status().get(0).state());
    }

    @Test
    void statusJsonDescribesEachChild() throws Exception {
        Path p = script("shown", "exec sleep 300");
        RespawnedChildren children = start("respawn " + currentUser() + " " + p + " --flag\n", FAST);
        await().atMost(WAIT).until(() -> only(children).pid() != null);
        var json = children.statusJson().get(0);
        assertEquals("shown", json.path("name").asText());
        assertEquals(3, json.path("line").asInt());
        assertEquals(currentUser(), json.path("user").asText());
        assertEquals(p + " --flag", json.path("command").asText());
        assertEquals("running", json.path("state").asText());
        assertEquals(only(children).pid().longValue(), json.path("pid").asLong());
        assertEquals(1, json.path("starts").asInt());
        assertTrue(json.path("last_exit").isNull());
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
