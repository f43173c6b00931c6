package io.lifeline.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.event.Level;

/**
 * One command for {@link ProcessRunner}.
 *
 * @param label       prefix for every log line, normally the resource's haresources word
 * @param command     the program and its arguments (no shell involved)
 * @param environment the complete environment: nothing is inherited from the daemon
 * @param timeout     after this the whole process group is killed
 * @param outputLevel level at which the command's output lines are logged (DEBUG for monitors,
 *                    INFO for start and stop so that the log explains what happened)
 * @param stdin       what the command reads on stdin (at most {@link #MAX_STDIN} characters),
 *                    or null for {@code /dev/null} (fence agents read their options there)
 */
public record ProcessRequest(String label, List<String> command, Map<String, String> environment,
                             Duration timeout, Level outputLevel, String stdin) {

    /** Bound of {@link #stdin()}: it is written in one go into the pipe, which must not block. */
    public static final int MAX_STDIN = 16 * 1024;

    public ProcessRequest {
        Objects.requireNonNull(label);
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(outputLevel);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (stdin != null && stdin.length() > MAX_STDIN) {
            throw new IllegalArgumentException("stdin longer than " + MAX_STDIN + " characters");
        }
    }

    public ProcessRequest(String label, List<String> command, Map<String, String> environment, Duration timeout,
                          Level outputLevel) {
        this(label, command, environment, timeout, outputLevel, null);
    }

    public ProcessRequest(String label, List<String> command, Map<String, String> environment, Duration timeout) {
        this(label, command, environment, timeout, Level.DEBUG);
    }
}
