package io.lifeline.cli;

import io.lifeline.control.ControlClient;
import io.lifeline.control.ControlException;
import io.lifeline.control.JsonValue;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What {@code hactl status} does, once or as a live view ({@code --watch}); the picocli command
 * and hactl's quick path ({@link QuickCommands}) both run this, so they cannot differ.
 *
 * <p>The live view redraws the whole screen each interval on a terminal (as {@code crm_mon}
 * and {@code watch}); written to a pipe or file it prints each snapshot under a time line
 * instead, without escape codes, and with {@code --json} one compact JSON object per line (JSON
 * Lines). A daemon that stops answering is shown as such and asked again at the next refresh.
 */
final class StatusView {

    /** How long one status request may take before the daemon counts as not answering. */
    static final long TIMEOUT_MS = 5_000;
    /** ANSI: cursor home, clear the screen. */
    private static final String CLEAR = "\033[H\033[2J";

    /** The command's options; {@code count} bounds the refreshes of a watch (0: until stopped). */
    record Options(Path socket, boolean json, boolean watch, String interval, long count) {
    }

    private StatusView() {
    }

    static int run(Options o, PrintWriter out, PrintWriter err, boolean terminal, Interruption stop) {
        ControlClient client = new ControlClient(o.socket(), TIMEOUT_MS);
        if (!o.watch()) {
            try {
                JsonValue status = client.request("status", null);
                print(status, o.json(), true, out);
                return 0;
            } catch (ControlClient.NotReachable e) {
                err.println("hactl: " + e.getMessage());
            } catch (ControlException e) {
                err.println("hactl: the daemon refused 'status': " + e.getMessage() + " (" + e.code() + ")");
            } finally {
                out.flush();
                err.flush();
            }
            return 1;
        }
        Optional<Duration> every = RefreshInterval.parse(o.interval());
        if (every.isEmpty()) {
            err.println(RefreshInterval.problem("--interval", o.interval()));
            err.flush();
            return 2;
        }
        long intervalMs = every.get().toMillis();
        for (long n = 1; o.count() <= 0 || n <= o.count(); n++) {
            long began = System.nanoTime();
            String problem = null;
            JsonValue status = null;
            try {
                status = client.request("status", null);
            } catch (ControlClient.NotReachable e) {
                problem = e.getMessage();
            } catch (ControlException e) {
                problem = "the daemon refused 'status': " + e.getMessage() + " (" + e.code() + ")";
            }
            if (stop.requested()) {
                break;
            }
            String when = LocalTime.now(ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS).toString();
            if (o.json()) {
                if (status != null) {
                    out.println(status);
                } else {
                    err.println("hactl: " + when + " " + problem);
                }
            } else {
                out.print(terminal ? CLEAR : (n > 1 ? "\n" : ""));
                out.println("Every " + StatusTable.duration(intervalMs) + ": hactl status at " + when
                        + (terminal ? " (Ctrl-C to quit)" : ""));
                out.println();
                if (status != null) {
                    print(status, false, false, out);
                } else {
                    out.println("hactl: " + problem + "; asking again in " + StatusTable.duration(intervalMs));
                }
            }
            out.flush();
            err.flush();
            if (o.count() > 0 && n == o.count()) {
                break;
            }
            long left = intervalMs - (System.nanoTime() - began) / 1_000_000;
            if (!stop.sleep(Math.max(0, left))) {
                break;
            }
        }
        if (terminal && !o.json()) {
            out.println();
        }
        out.flush();
        return 0;
    }

    private static void print(JsonValue status, boolean json, boolean pretty, PrintWriter out) {
        if (json) {
            out.println(pretty ? status.toPrettyString() : status.toString());
        } else {
            StatusTable.print(status, out);
        }
    }
}
