package io.lifeline.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A file in the state directory that exists while the daemon runs and is removed on a clean
 * stop, so the next start knows whether the previous run crashed (the resource manager then
 * has to assume resources may still be held).
 */
final class RunMarker {

    /** What the previous run left behind: {@code clean}, {@code unclean} or {@code first_start}. */
    private final String previousShutdown;
    /** The previous run's marker line ("pid N started T"), or "" when there was none. */
    private final String previousRun;
    private final Path file;

    RunMarker(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        file = stateDir.resolve("daemon.running");
        if (Files.exists(file)) {
            previousShutdown = "unclean";
            previousRun = Files.readString(file, StandardCharsets.UTF_8).trim();
        } else if (Files.exists(stateDir.resolve("daemon.stopped"))) {
            previousShutdown = "clean";
            previousRun = "";
        } else {
            previousShutdown = "first_start";
            previousRun = "";
        }
        Files.deleteIfExists(stateDir.resolve("daemon.stopped"));
        Files.writeString(file, "pid " + ProcessHandle.current().pid() + " started " + Instant.now() + "\n",
                StandardCharsets.UTF_8);
    }

    String previousShutdown() {
        return previousShutdown;
    }

    /** Read before this run overwrote the marker (reading it later named the current run). */
    String previousRun() {
        return previousRun;
    }

    void stoppedCleanly() {
        try {
            Files.move(file, file.resolveSibling("daemon.stopped"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the next start will report an unclean shutdown, which is the safe side
        }
    }
}
