package io.lifeline.agent.haproxy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads haproxy's own diagnostics ({@code haproxy -c}, or a failed start):
 * <pre>
 * [ALERT]    (14935) : config : parsing [/etc/haproxy/haproxy.cfg:2] : unknown keyword 'foo' in 'global' section
 * [WARNING]  (14935) : config : parsing [/etc/haproxy/haproxy.cfg:9] : a 'http-request' rule placed after ...
 * [ALERT]    (14935) : config : Fatal errors found in configuration.
 * </pre>
 * Each ALERT or WARNING becomes a {@link Message}, with the file and line when haproxy names
 * them. haproxy's closing summaries ("Fatal errors found", "Error(s) found in configuration
 * file") are dropped when a more specific alert exists, since they add nothing.
 */
final class HaproxyMessages {

    private static final Pattern LINE = Pattern.compile("^\\[(ALERT|WARNING)]\\s*\\(\\d+\\)\\s*:\\s*(.*)$");
    /**
     * {@code [FILE:LINE]}; the file part must look like a path ({@code /} or a dot before a
     * letter), so that an address haproxy puts in brackets ({@code [127.0.0.1:8080]}) is not
     * taken for one.
     */
    private static final Pattern LOCATION = Pattern.compile("\\[([^\\]\\s]*(?:/|\\.[A-Za-z])[^\\]\\s]*):(\\d+)]");
    private static final Pattern SUMMARY = Pattern.compile(
            "^(config : )?(Fatal errors found in configuration\\.|Error\\(s\\) found in configuration file : .*"
                    + "|Configuration file has no error but will not start .*)$");

    private HaproxyMessages() {
    }

    /**
     * One diagnostic.
     *
     * @param file the file haproxy named, or null
     * @param line its line, or 0
     * @param text the message without haproxy's level, pid and "config :" prefixes
     */
    record Message(boolean alert, Path file, int line, String text) {
        /** As the admin reads it: {@code file:line: text}, or the text alone. */
        String located() {
            return file == null ? text : file + ":" + line + ": " + text;
        }

        /** haproxy's words for an alert it carried on after. */
        boolean survived() {
            return text.endsWith("Continuing.");
        }
    }

    static List<Message> parse(String output) {
        List<Message> all = new ArrayList<>();
        for (String raw : output.split("\n")) {
            Matcher m = LINE.matcher(raw.strip());
            if (!m.matches()) {
                continue;
            }
            String text = m.group(2).strip();
            if (text.startsWith("config : ")) {
                text = text.substring("config : ".length());
            }
            Path file = null;
            int line = 0;
            Matcher loc = LOCATION.matcher(text);
            if (loc.find()) {
                file = Path.of(loc.group(1));
                line = Integer.parseInt(loc.group(2));
                // "parsing [f:1] : msg" -> "msg"; any other shape keeps its words
                String rest = text.substring(loc.end()).replaceFirst("^\\s*:\\s*", "");
                String before = text.substring(0, loc.start()).strip();
                text = before.equals("parsing") || before.isEmpty() ? rest : before + " " + rest;
            }
            all.add(new Message("ALERT".equals(m.group(1)), file, line, text));
        }
        boolean specific = all.stream().anyMatch(msg -> msg.alert() && !SUMMARY.matcher(msg.text()).matches());
        if (specific) {
            all.removeIf(msg -> msg.alert() && SUMMARY.matcher(msg.text()).matches());
        }
        return all;
    }

    /**
     * A one-line summary of the alerts, for an agent result; when haproxy printed no alert
     * (it crashed, say), the last non-blank line of its output.
     */
    static String alertSummary(String output) {
        // An alert haproxy went on after ("'pidfile' already specified. Continuing.") is not why
        // it stopped: the fatal ones lead, so the admin reads the cause first.
        String alerts = parse(output).stream().filter(Message::alert)
                .sorted(Comparator.comparing(Message::survived)).map(Message::located)
                .collect(Collectors.joining("; "));
        if (!alerts.isEmpty()) {
            return alerts;
        }
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
