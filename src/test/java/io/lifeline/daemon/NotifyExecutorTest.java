package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.manager.notify.HookRun;
import io.lifeline.manager.notify.Notification;
import io.lifeline.manager.notify.NotifyHook;
import io.lifeline.manager.notify.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyExecutorTest {

    @TempDir
    Path dir;

    Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    static Notification note(Transition t, String group) {
        return new Notification(Instant.parse("2025-01-01T00:00:00Z"), "node1", group, t, "because " + group);
    }

    @Test
    void hooksRunInOrderWithArgumentsAndEnvironment() throws Exception {
        Path log = dir.resolve("calls.log");
        Path hook = script("hook.sh", "sleep 0.05; echo \"$1 $2 $3 [$LIFELINE_REASON]\" >> " + log);
        try (NotifyExecutor ex = new NotifyExecutor(List.of(new NotifyHook(hook, Duration.ofSeconds(10))))) {
            ex.submit(note(Transition.STOPPING, "web"));
            ex.submit(note(Transition.STOPPED, "web"));
            ex.submit(note(Transition.STARTED, "db"));
            await().atMost(Duration.ofSeconds(30)).until(() -> ex.recentRuns().size() == 3);
            assertTrue(ex.recentRuns().stream().allMatch(HookRun::succeeded));
        }
        assertEquals(List.of("stopping web node1 [because web]", "stopped web node1 [because web]",
                "started db node1 [because db]"), Files.readAllLines(log), "one at a time, in submission order");
    }

    @Test
    void everyHookRunsForEachTransition() throws Exception {
        Path log = dir.resolve("calls.log");
        Path a = script("a.sh", "echo a-$1 >> " + log);
        Path b = script("b.sh", "echo b-$1 >> " + log);
        try (NotifyExecutor ex = new NotifyExecutor(List.of(new NotifyHook(a, Duration.ofSeconds(10)),
                new NotifyHook(b, Duration.ofSeconds(10))))) {
            ex.submit(note(Transition.BLOCKED, "web"));
            ex.submit(note(Transition.UNBLOCKED, "web"));
            await().atMost(Duration.ofSeconds(30)).until(() -> ex.recentRuns().size() == 4);
        }
        assertEquals(List.of("a-blocked", "b-blocked", "a-unblocked", "b-unblocked"), Files.readAllLines(log));
    }

    @Test
    void failingHookIsRecordedWithItsExitStatusAndOutput() throws Exception {
        Path hook = script("fail.sh", "echo cannot reach the database >&2; exit 3");
        try (NotifyExecutor ex = new NotifyExecutor(List.of(new NotifyHook(hook, Duration.ofSeconds(10))))) {
            ex.submit(note(Transition.FAILED, "db"));
            await().atMost(Duration.ofSeconds(30)).until(() -> ex.recentRuns().size() == 1);
            HookRun r = ex.recentRuns().get(0);
            assertEquals(3, r.exitCode());
            assertFalse(r.timedOut());
            assertEquals("cannot reach the database", r.output());
        }
    }

    @Test
    void hungHookIsKilledAtItsTimeoutAndTheQueueMovesOn() throws Exception {
        Path log = dir.resolve("calls.log");
        Path hook = script("hang.sh", "if [ \"$1\" = stopping ]; then sleep 60; fi; echo $1 >> " + log);
        try (NotifyExecutor ex = new NotifyExecutor(List.of(new NotifyHook(hook, Duration.ofMillis(300))))) {
            ex.submit(note(Transition.STOPPING, "web"));
            ex.submit(note(Transition.STOPPED, "web"));
            await().atMost(Duration.ofSeconds(30)).until(() -> ex.recentRuns().size() == 2);
            HookRun hung = ex.recentRuns().get(0);
            assertTrue(hung.timedOut());
            assertEquals(-1, hung.exitCode());
            assertTrue(ex.recentRuns().get(1).succeeded());
        }
        assertEquals(List.of("stopped"), Files.readAllLines(log));
    }

    @Test
    void missingScriptIsReportedNotThrown() throws Exception {
        try (NotifyExecutor ex = new NotifyExecutor(List.of(new NotifyHook(dir.resolve("nope.sh"), Duration.ofSeconds(5))))) {
            ex.submit(note(Transition.STARTED, "web"));
            await().atMost(Duration.ofSeconds(30)).until(() -> ex.recentRuns().size() == 1);
            HookRun r = ex.recentRuns().get(0);
            assertEquals(-1, r.exitCode());
            assertTrue(r.output().startsWith("cannot run: "), r.output());
        }
    }
}
