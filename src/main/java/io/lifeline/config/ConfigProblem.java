package io.lifeline.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One finding about a configuration file, always tied to the file and line it comes from so
 * the admin can jump straight to it ({@code /etc/ha.d/ha.cf:12: error: ...}).
 *
 * @param line 1-based line number, or 0 when the problem concerns the whole file
 */
public record ConfigProblem(Severity severity, Path file, int line, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file.toString();
        return where + ": " + severity.name().toLowerCase(Locale.ROOT) + ": " + message;
    }
}
