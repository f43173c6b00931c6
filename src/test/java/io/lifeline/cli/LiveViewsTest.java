package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.control.ControlServer;
import io.lifeline.control.JsonValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hactl status --watch and hactl events --follow against a real control socket. */
class LiveViewsTest {

    @TempDir
    Path dir;
    private ControlServer server;
    private final AtomicInteger statusCalls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = new ControlServer(dir.resolve("hactl.sock"))
                .register("status", args -> Map.of("version", "9.9", "node", "n" + statusCalls.incrementAndGet(),
                        "uptime_ms", 1000, "pid", 7));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void eventColumnsArePaddedAsPrintfDid() {
        for (String text : new String[] {"", "INFO", "WARN", "ERROR", "membership", "placement", "configuration"}) {
            for (int width : new int[] {5, 10}) {
                assertEquals(String.format(java.util.Locale.ROOT, "%-" + width + "s", text), EventsView.padded(text, width));
            }
        }
    }

    @Test
    void watchRefreshesUntilItsCountWithoutEscapesWhenNotATerminal() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = StatusView.run(new StatusView.Options(dir.resolve("hactl.sock"), false, true, "200ms", 3),
                new PrintWriter(out), new PrintWriter(err), false, Interruption.none());
        assertEquals(0, rc, err.toString());
        String text = out.toString();
        assertEquals(3, text.split("Every 200 ms: hactl status at ", -1).length - 1, text);
        assertTrue(text.contains("on node n1,") && text.contains("on node n2,") && text.contains("on node n3,"), text);
        assertFalse(text.contains("\033"), "no escape codes into a pipe");
    }

    @Test
    void watchClearsTheScreenOnATerminalAndPrintsJsonLinesWithJson() {
        StringWriter out = new StringWriter();
        StatusView.run(new StatusView.Options(dir.resolve("hactl.sock"), false, true, "200ms", 2),
                new PrintWriter(out), new PrintWriter(new StringWriter()), true, Interruption.none());
        assertTrue(out.toString().startsWith("\033[H\033[2J"), out.toString());
        StringWriter json = new StringWriter();
        StatusView.run(new StatusView.Options(dir.resolve("hactl.sock"), true, true, "200ms", 2),
                new PrintWriter(json), new PrintWriter(new StringWriter()), false, Interruption.none());
        String[] lines = json.toString().split("\n");
        assertEquals(2, lines.length, json.toString());
        for (String l : lines) {
            assertEquals("9.9", JsonValue.parse(l).path("version").asText());
        }
    }

    @Test
    void watchKeepsGoingWhileTheDaemonIsAwayAndRejectsABadInterval() {
        StringWriter out = new StringWriter();
        int rc = StatusView.run(new StatusView.Options(dir.resolve("none.sock"), false, true, "200ms", 2),
                new PrintWriter(out), new PrintWriter(new StringWriter()), false, Interruption.none());
        assertEquals(0, rc);
        assertEquals(2, out.toString().split("lifeline daemon is not running", -1).length - 1, out.toString());
        StringWriter err = new StringWriter();
        for (String bad : new String[] {"0", "100ms", "2h", "soon"}) {
            assertEquals(2, StatusView.run(new StatusView.Options(dir.resolve("hactl.sock"), false, true, bad, 1),
                    new PrintWriter(new StringWriter()), new PrintWriter(err), false, Interruption.none()), bad);
        }
        assertTrue(err.toString().contains("--interval 'soon' is not a time from 200ms to 1h"), err.toString());
    }

    private static JsonValue event(String at, String message) {
        return JsonValue.parse("{\"at\":\"" + at + "\",\"level\":\"info\",\"kind\":\"resource\",\"node\":\"n1\","
                + "\"group\":\"web\",\"message\":\"" + message + "\"}");
    }

    @Test
    void followPrintsOnlyWhatCameAfterTheLastEventShown() {
        JsonValue a = event("2026-12-06T10:00:00.100Z", "a");
        JsonValue b = event("2026-12-06T10:00:00.200Z", "b");
        JsonValue c = event("2026-12-06T10:00:00.200Z", "c"); // same instant as b, another event
        JsonValue d = event("2026-12-06T10:00:01Z", "d");
        assertEquals(List.of(a, b), EventsView.after(null, List.of(a, b)));
        assertEquals(List.of(c, d).toString(), EventsView.after(b, List.of(a, b, c, d)).toString());
        assertEquals(List.of().toString(), EventsView.after(d, List.of(a, b, c, d)).toString());
        // b has left the daemon's bounded history (or the daemon restarted): everything later than it
        assertEquals(List.of(d).toString(), EventsView.after(b, List.of(c, d)).toString());
    }
}
