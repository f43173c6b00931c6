package io.lifeline.agent.script;

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
 */
public record ProcessRequest(String label, List<String> command, Map<String, String> environment,
                             Duration timeout, Level outputLevel) {
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
    }

    public ProcessRequest(String label, List<String> command, Map<String, String> environment, Duration timeout) {
        this(label, command, environment, timeout, Level.DEBUG);
    }
}
