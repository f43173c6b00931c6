package io.lifeline.process;

import java.time.Duration;

/**
 * How a command ended and what it printed. Output is bounded (see {@link ProcessRunner}); a
 * cut stream ends with a {@code [... N bytes truncated]} marker.
 *
 * @param exitCode the exit status when {@link Outcome#EXITED}, otherwise -1
 * @param error    why the command did not run to completion, empty when it did
 */
public record ProcessResult(Outcome outcome, int exitCode, String stdout, String stderr, Duration elapsed,
                            String error) {

    public enum Outcome {
        /** The command exited by itself; {@link #exitCode()} is valid. */
        EXITED,
        /** The timeout expired and the process group was killed. */
        TIMED_OUT,
        /** The program could not be executed at all (missing, not executable, ...). */
        START_FAILED,
        /** The calling thread was interrupted; the process group was killed. */
        INTERRUPTED
    }

    public boolean exited() {
        return outcome == Outcome.EXITED;
    }
}
