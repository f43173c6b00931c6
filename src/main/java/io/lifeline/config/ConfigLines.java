package io.lifeline.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Splits a Heartbeat-style configuration file into logical lines of words. {@code #} starts a
 * comment when it begins a word (so {@code bcast eth0   # Linux} works and a {@code #} inside
 * a word stays). With continuation enabled a trailing {@code \} joins the next physical line,
 * as haresources allows; the logical line keeps the number of its first physical line.
 */
final class ConfigLines {

    record Line(int number, List<String> words, String text) {
        String keyword() {
            return words.get(0);
        }

        List<String> args() {
            return words.subList(1, words.size());
        }
    }

    private ConfigLines() {
    }

    /** The file's physical lines through {@link ConfigFileReader}; empty when it cannot be read. */
    static Optional<List<String>> readRaw(Path file, Diagnostics diag) {
        return ConfigFileReader.lines(file, ConfigFileReader.Encoding.LATIN1, diag);
    }

    static List<Line> parse(List<String> raw, boolean continuation) {
        List<Line> lines = new ArrayList<>();
        StringBuilder pending = null;
        int start = 0;
        for (int i = 0; i < raw.size(); i++) {
            String text = stripComment(raw.get(i));
            if (continuation) {
                String trimmed = stripTrailing(text);
                boolean continues = trimmed.endsWith("\\");
                if (continues) {
                    trimmed = trimmed.substring(0, trimmed.length() - 1);
                }
                if (pending == null) {
                    pending = new StringBuilder();
                    start = i + 1;
                }
                pending.append(trimmed).append(' ');
                if (continues && i + 1 < raw.size()) {
                    continue;
                }
                text = pending.toString();
                pending = null;
            } else {
                start = i + 1;
            }
            List<String> words = words(text);
            if (!words.isEmpty()) {
                lines.add(new Line(start, words, text.strip()));
            }
        }
        return lines;
    }

    static List<String> words(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(s.split("\\s+"));
    }

    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String stripTrailing(String s) {
        return s.replaceAll("\\s+$", "");
    }
}
