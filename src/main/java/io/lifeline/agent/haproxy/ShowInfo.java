package io.lifeline.agent.haproxy;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to {@code show info}: {@code Name: value} lines ({@code Name: HAProxy},
 * {@code Version: 2.6.12}, {@code Pid: 1234}, {@code Uptime_sec: 42}, ...).
 */
record ShowInfo(Map<String, String> fields) {

    ShowInfo {
        fields = Map.copyOf(fields);
    }

    /**
     * Parses the answer; anything that is not haproxy's info (an error such as
     * "Unknown command", or an empty answer) is an {@link IOException} quoting it.
     */
    static ShowInfo parse(String answer) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : answer.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0 && !line.substring(0, colon).contains(" ")) {
                fields.put(line.substring(0, colon), line.substring(colon + 2).strip());
            }
        }
        if (!"HAProxy".equals(fields.get("Name")) || !fields.containsKey("Pid")) {
            throw new IOException("not an answer to 'show info': " + firstLine(answer));
        }
        return new ShowInfo(fields);
    }

    static String firstLine(String answer) {
        String s = answer.strip();
        if (s.isEmpty()) {
            return "(empty answer)";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    String version() {
        return fields.getOrDefault("Version", "?");
    }

    /** The pid of the worker that answered. */
    long pid() {
        return Long.parseLong(fields.get("Pid"));
    }

    long uptimeSeconds() {
        try {
            return Long.parseLong(fields.getOrDefault("Uptime_sec", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
