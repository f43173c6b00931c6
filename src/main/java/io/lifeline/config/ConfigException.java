package io.lifeline.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when configuration cannot be used; carries every problem found, not just the first. */
public class ConfigException extends Exception {

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
