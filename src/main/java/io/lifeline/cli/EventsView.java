package io.lifeline.cli;

import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.JsonValue;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code hactl events} does, once or following new events as they come ({@code --follow},
 * as {@code tail -f}); run by the picocli command and by hactl's quick path alike.
 *
 * <p>Following asks the daemon for its kept events every interval and prints those after the
 * last one printed ({@link #after}). The daemon keeps a bounded history, so a follower that was
 * away longer than that history lasts (or a daemon that restarted) is caught up by time: every
 * event later than the last one printed.
 */
final class EventsView {

    /** The command's options; {@code last} limits the first answer (0: all the daemon keeps). */
    record Options(Path socket, int last, boolean json, boolean follow, String interval) {
    }

    private EventsView() {
    }

    static int run(Options o, PrintWriter out, PrintWriter err, Interruption stop) {
        ControlClient client = new ControlClient(o.socket(), StatusView.TIMEOUT_MS);
        Optional<Duration> every = o.follow() ? RefreshInterval.parse(o.interval()) : Optional.of(Duration.ZERO);
        if (every.isEmpty()) {
            err.println(RefreshInterval.problem("--interval", o.interval()));
            err.flush();
            return 2;
        }
        JsonValue first;
        try {
            first = client.request("events", "{\"limit\":" + Math.max(0, o.last()) + "}");
        } catch (ControlClient.NotReachable e) {
            err.println("hactl: " + e.getMessage());
            err.flush();
            return 1;
        } catch (ControlException e) {
            err.println("hactl events: " + e.getMessage() + " (" + e.code() + ")");
            err.flush();
            return 1;
        }
        List<JsonValue> shown = events(first);
        if (o.json() && !o.follow()) {
            out.println(first.toPrettyString());
        } else {
            shown.forEach(e -> print(e, o.json(), out));
        }
        out.flush();
        if (!o.follow()) {
            return 0;
        }
        boolean reported = false;
        while (stop.sleep(every.get().toMillis())) {
            List<JsonValue> now;
            try {
                now = events(client.request("events", "{\"limit\":0}"));
                reported = false;
            } catch (ControlClient.NotReachable | ControlException e) {
                if (!reported) { // once per outage, not once per interval
                    err.println("hactl: " + e.getMessage() + "; still following");
                    err.flush();
                    reported = true;
                }
                continue;
            }
            List<JsonValue> fresh = after(shown.isEmpty() ? null : shown.get(shown.size() - 1), now);
            fresh.forEach(e -> print(e, o.json(), out));
            out.flush();
            if (!fresh.isEmpty()) {
                shown = fresh;
            }
        }
        return 0;
    }

    /**
     * The events of {@code now} that come after {@code last}: those behind its latest equal copy,
     * or, when {@code last} is no longer kept, those later than its time. All of them when
     * nothing was shown yet.
     */
    static List<JsonValue> after(JsonValue last, List<JsonValue> now) {
        if (last == null) {
            return now;
        }
        String key = last.toString();
        for (int i = now.size() - 1; i >= 0; i--) {
            if (now.get(i).toString().equals(key)) {
                return new ArrayList<>(now.subList(i + 1, now.size()));
            }
        }
        Instant lastAt = instant(last);
        List<JsonValue> later = new ArrayList<>();
        for (JsonValue e : now) {
            Instant at = instant(e);
            if (lastAt == null || at == null || at.isAfter(lastAt)) {
                later.add(e);
            }
        }
        return later;
    }

    private static Instant instant(JsonValue e) {
        try {
            return Instant.parse(e.path("at").asText());
        } catch (DateTimeParseException ex) {
            return null;
        }
    }

    private static List<JsonValue> events(JsonValue result) {
        List<JsonValue> list = new ArrayList<>();
        result.path("events").forEach(list::add);
        return list;
    }

    /** One event: a line for people, or (with --json while following) one compact JSON object. */
    private static void print(JsonValue e, boolean json, PrintWriter out) {
        if (json) {
            out.println(e);
            return;
        }
        String group = e.path("group").isNull() || e.path("group").isMissingNode() ? "" : " [" + e.path("group").asText() + "]";
        // "%s %-5s %-10s%s %s" by hand: java.util.Formatter is start-up time (docs/ARCHITECTURE.md, "Start-up")
        out.println(e.path("at").asText() + " " + padded(e.path("level").asText().toUpperCase(Locale.ROOT), 5) + " "
                + padded(e.path("kind").asText(), 10) + group + " " + e.path("message").asText());
    }

    /** text, then spaces up to width (as "%-Ns": never cut). */
    static String padded(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
