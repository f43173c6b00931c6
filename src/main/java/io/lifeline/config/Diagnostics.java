package io.lifeline.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects the errors and warnings found while reading configuration files. Parsers report
 * every problem they can find in one pass rather than stopping at the first, so that
 * {@code hactl check-config} shows the admin the whole picture at once.
 */
public final class Diagnostics {

    private final List<ConfigProblem> problems = new ArrayList<>();

    public void error(Path file, int line, String message) {
        problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, file, line, message));
    }

    public void warning(Path file, int line, String message) {
        problems.add(new ConfigProblem(ConfigProblem.Severity.WARNING, file, line, message));
    }

    public void addAll(Diagnostics other) {
        problems.addAll(other.problems);
    }

    public List<ConfigProblem> problems() {
        return Collections.unmodifiableList(problems);
    }

    public List<ConfigProblem> errors() {
        return problems.stream().filter(ConfigProblem::isError).toList();
    }

    public List<ConfigProblem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(ConfigProblem::isError);
    }
}
