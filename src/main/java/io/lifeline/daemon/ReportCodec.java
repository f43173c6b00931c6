package io.lifeline.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.manager.StateReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The wire form of the manager's state reports between nodes: {@code {"v":1,"report":{...}}}
 * in JSON. JSON because reports are small (a few hundred bytes per group), sent only on
 * changes and every report_interval, and readable in a packet capture when a 3 a.m. admin
 * needs to know what a node claimed. Unknown fields are ignored so a newer node can add some.
 */
final class ReportCodec {

    static final int VERSION = 1;

    /** A report that could not be read; the message names what was wrong, never the bytes. */
    static final class BadReport extends Exception {
        BadReport(String message) {
            super(message);
        }
    }

    record Envelope(int v, StateReport report) {
    }

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    byte[] encode(StateReport report) {
        try {
            return json.writeValueAsBytes(new Envelope(VERSION, report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a state report", e);
        }
    }

    /**
     * Decodes a report sent by {@code sender} (the name the authenticated link knows it by).
     *
     * @throws BadReport when the bytes are not a report, or the report speaks for another node
     */
    StateReport decode(byte[] data, String sender) throws BadReport {
        Envelope e;
        try {
            e = json.readValue(data, Envelope.class);
        } catch (JacksonException ex) {
            throw new BadReport("not a readable state report (" + firstLine(ex.getOriginalMessage()) + ")");
        } catch (IOException | RuntimeException ex) {
            throw new BadReport("not a readable state report (" + firstLine(String.valueOf(ex.getMessage())) + ")");
        }
        if (e == null || e.report() == null) {
            throw new BadReport("empty state report");
        }
        if (e.v() != VERSION) {
            throw new BadReport("state report version " + e.v() + ", this node reads version " + VERSION);
        }
        StateReport r = e.report();
        if (r.node() == null || r.incarnation() == null || r.standby() == null || r.registers() == null) {
            throw new BadReport("state report without node, incarnation, standby or registers");
        }
        if (!r.node().toLowerCase(Locale.ROOT).equals(sender.toLowerCase(Locale.ROOT))) {
            throw new BadReport("state report speaks for node " + r.node());
        }
        return r;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
