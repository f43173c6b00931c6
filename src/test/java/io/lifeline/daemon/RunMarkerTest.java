package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunMarkerTest {

    @Test
    void firstStartThenCleanStopThenCrashAreToldApartAndTheCrashedRunIsNamed() throws Exception {
        Path dir = Files.createTempDirectory("runmarker");
        RunMarker first = new RunMarker(dir);
        assertEquals("first_start", first.previousShutdown());
        first.stoppedCleanly();
        RunMarker second = new RunMarker(dir);
        assertEquals("clean", second.previousShutdown());
        assertEquals("", second.previousRun());
        Files.writeString(dir.resolve("daemon.running"), "pid 4242 started 2026-11-21T00:00:00Z\n");
        RunMarker third = new RunMarker(dir); // the run before it never stopped
        assertEquals("unclean", third.previousShutdown());
        assertEquals("pid 4242 started 2026-11-21T00:00:00Z", third.previousRun(), "the crashed run, not this one");
        assertTrue(Files.readString(dir.resolve("daemon.running")).contains("pid " + ProcessHandle.current().pid()));
    }
}
