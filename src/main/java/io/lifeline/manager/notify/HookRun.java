package io.lifeline.manager.notify;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The outcome of one hook script run.
 *
 * @param exitCode the script's exit status, or -1 if it timed out or could not be started
 * @param output   the first few KB of its stdout and stderr
 */
public record HookRun(Notification notification, Path script, int exitCode, boolean timedOut, Duration took,
                      String output) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }
}
