package io.lifeline.daemon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.lifeline.config.ConfigDigest;
import io.lifeline.manager.ClusterRegisters;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ResourceState;
import io.lifeline.manager.Stamp;
import io.lifeline.manager.StateReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The wire form of the manager's state reports between nodes, version 1:
 * <pre>{"v":1,"report":{"node":..,"incarnation":..,"seq":..,"lamport":..,"ready":..,"score":..,
 *  "standby":"NONE|ALL|LOCAL|FOREIGN",
 *  "groups":{GROUP:{"phase":..,"holdFailback":..,"resources":[STATE,..][,"claimSeq":..]}},
 *  "failures":[{"group":..,"resource":..,"count":..,"threshold":..,"banned":..}],
 *  "seen":{NODE:{"incarnation":..,"seq":..}},
 *  "registers":{"pins":{GROUP:{"node":NODE|null,"stamp":STAMP}},"maintenance":{"on":..,"stamp":STAMP},
 *               "cleanups":{SCOPE:STAMP}},
 *  "released":[GROUP,..][,"members":[NODE,..]][,"rejoining":true][,"recovering":true]}}
 *                                                                    STAMP = {"lamport":..,"node":..}</pre>
 *
 * <p>JSON because reports are small (a few hundred bytes per group) and readable in a packet
 * capture when a 3 a.m. admin needs to know what a node claimed. Written and read here field by
 * field with jackson-core's streaming API, not by reflection over the manager's records: the
 * names on the wire are this class's, so renaming a record component cannot silently change the
 * protocol between nodes of different versions (golden files under
 * {@code src/test/resources/reports} must decode forever), and the daemon loads a few hundred
 * classes for it instead of databind's thousand. Every field is required, so a renamed or
 * missing field is a clear error rather than a silent default; fields this version does not know
 * are skipped, so a newer node can add some. Maps are written in key order, so the same report
 * is always the same bytes.
 *
 * <p>Optional fields, added to version 1 compatibly (older nodes skip them, and a report
 * without them means what it meant before they existed): {@code claimSeq} in a CLAIMING group,
 * the seq of the report that first carried the claim (docs/protocol.md), written only when
 * known; absent, the claim is acknowledged for every report as before. {@code members} in the
 * report, the sender's membership (itself included), written only when it has one; absent, the
 * sender contradicts no membership (docs/protocol.md, docs/split-brain.md). {@code rejoining},
 * written only when true: the sender recovers from a stall and asks each peer to answer this
 * report once. {@code recovering}, written only when true: the sender recovers from a stall, so
 * it is no candidate for any group, though its report (ready) confirms the others' claims; an
 * older node, which skips the field, takes it for a candidate that does not start what it is
 * given until its recovery ends (before the field a stalled node reported itself not ready).
 * In the envelope, beside {@code report}:
 * {@code "config":{"hacf":..,"haresources":..,"authkeys":..,"groups":{GROUP:..}}}, the sender's
 * configuration digest (io.lifeline.config.ConfigDigest, docs/propagate.md); the manager never
 * sees it.
 */
final class ReportCodec {

    static final int VERSION = 1;

    /** A report that could not be read; the message names what was wrong, never the bytes. */
    static final class BadReport extends Exception {
        BadReport(String message) {
            super(message);
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(64 * 1024).build())
            .build();

    // ---- encoding ------------------------------------------------------------------------------

    byte[] encode(StateReport r) {
        return encode(r, null);
    }

    /**
     * A report with this node's configuration digest beside it ({@code "config"} in the envelope,
     * optional: older nodes skip it); {@code config} null writes none.
     */
    byte[] encode(StateReport r, ConfigDigest config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeFieldName("report");
            g.writeStartObject();
            g.writeStringField("node", r.node());
            g.writeStringField("incarnation", r.incarnation());
            g.writeNumberField("seq", r.seq());
            g.writeNumberField("lamport", r.lamport());
            g.writeBooleanField("ready", r.ready());
            g.writeNumberField("score", r.score());
            g.writeStringField("standby", r.standby().name());
            g.writeObjectFieldStart("groups");
            for (Map.Entry<String, StateReport.GroupReport> e : new TreeMap<>(r.groups()).entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("phase", e.getValue().phase().name());
                g.writeBooleanField("holdFailback", e.getValue().holdFailback());
                g.writeArrayFieldStart("resources");
                for (ResourceState s : e.getValue().resources()) {
                    g.writeString(s.name());
                }
                g.writeEndArray();
                if (e.getValue().claimSeq() > 0) {
                    g.writeNumberField("claimSeq", e.getValue().claimSeq());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeArrayFieldStart("failures");
            for (StateReport.FailureReport f : r.failures()) {
                g.writeStartObject();
                g.writeStringField("group", f.group());
                g.writeStringField("resource", f.resource());
                g.writeNumberField("count", f.count());
                g.writeNumberField("threshold", f.threshold());
                g.writeBooleanField("banned", f.banned());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("seen");
            for (Map.Entry<String, StateReport.SeenMark> e : new TreeMap<>(r.seen()).entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("incarnation", e.getValue().incarnation());
                g.writeNumberField("seq", e.getValue().seq());
                g.writeEndObject();
            }
            g.writeEndObject();
            writeRegisters(g, r.registers());
            g.writeArrayFieldStart("released");
            for (String group : r.released()) {
                g.writeString(group);
            }
            g.writeEndArray();
            if (r.saysMembers()) {
                g.writeArrayFieldStart("members");
                for (String node : r.members()) {
                    g.writeString(node);
                }
                g.writeEndArray();
            }
            if (r.rejoining()) {
                g.writeBooleanField("rejoining", true);
            }
            if (r.recovering()) {
                g.writeBooleanField("recovering", true);
            }
            g.writeEndObject();
            if (config != null) {
                writeConfig(g, config);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a state report", e);
        }
        return out.toByteArray();
    }

    private static void writeConfig(JsonGenerator g, ConfigDigest c) throws IOException {
        g.writeObjectFieldStart("config");
        g.writeStringField("hacf", c.haCf());
        g.writeStringField("haresources", c.haresources());
        g.writeStringField("authkeys", c.authkeys());
        g.writeObjectFieldStart("groups");
        for (Map.Entry<String, String> e : new TreeMap<>(c.groups()).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeRegisters(JsonGenerator g, ClusterRegisters c) throws IOException {
        g.writeObjectFieldStart("registers");
        g.writeObjectFieldStart("pins");
        for (Map.Entry<String, ClusterRegisters.Pin> e : new TreeMap<>(c.pins()).entrySet()) {
            g.writeObjectFieldStart(e.getKey());
            if (e.getValue().node() == null) {
                g.writeNullField("node");
            } else {
                g.writeStringField("node", e.getValue().node());
            }
            writeStamp(g, "stamp", e.getValue().stamp());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeObjectFieldStart("maintenance");
        g.writeBooleanField("on", c.maintenance().on());
        writeStamp(g, "stamp", c.maintenance().stamp());
        g.writeEndObject();
        g.writeObjectFieldStart("cleanups");
        for (Map.Entry<String, Stamp> e : new TreeMap<>(c.cleanups()).entrySet()) {
            writeStamp(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeStamp(JsonGenerator g, String field, Stamp s) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("lamport", s.lamport());
        g.writeStringField("node", s.node());
        g.writeEndObject();
    }

    // ---- decoding ------------------------------------------------------------------------------

    /**
     * Decodes a report sent by {@code sender} (the name the authenticated link knows it by).
     *
     * @throws BadReport when the bytes are not a report, or the report speaks for another node
     */
    StateReport decode(byte[] data, String sender) throws BadReport {
        return decodeWithConfig(data, sender).report();
    }

    /** A report and, when its sender advertised one, its configuration digest (docs/propagate.md). */
    record Decoded(StateReport report, java.util.Optional<ConfigDigest> config) {
    }

    /** As {@link #decode}, with the envelope's optional configuration digest. */
    Decoded decodeWithConfig(byte[] data, String sender) throws BadReport {
        StateReport r;
        ConfigDigest config;
        try (JsonParser p = JSON.createParser(data)) {
            Reader reader = new Reader(p);
            r = reader.envelope();
            config = reader.config;
            if (p.nextToken() != null) {
                throw new BadReport("trailing bytes after the state report");
            }
        } catch (JsonProcessingException e) {
            throw new BadReport("not a readable state report (" + firstLine(e.getOriginalMessage()) + ")");
        } catch (IOException | RuntimeException e) {
            throw new BadReport("not a readable state report (" + firstLine(String.valueOf(e.getMessage())) + ")");
        }
        if (!r.node().toLowerCase(Locale.ROOT).equals(sender.toLowerCase(Locale.ROOT))) {
            throw new BadReport("state report speaks for node " + r.node());
        }
        return new Decoded(r, java.util.Optional.ofNullable(config));
    }

    /** Reads one envelope; every object's fields are collected first, then checked complete. */
    private static final class Reader {
        private final JsonParser p;
        /** The envelope's optional configuration digest, once read. */
        ConfigDigest config;

        Reader(JsonParser p) {
            this.p = p;
        }

        StateReport envelope() throws IOException, BadReport {
            Integer version = null;
            StateReport report = null;
            startObject("the state report");
            while (nextField()) {
                switch (p.currentName()) {
                    case "v" -> version = integer("v");
                    case "report" -> {
                        if (version == null) {
                            throw new BadReport("state report without a version before its body");
                        }
                        if (version != VERSION) {
                            throw new BadReport("state report version " + version + ", this node reads version " + VERSION);
                        }
                        report = report();
                    }
                    case "config" -> config = config();
                    default -> skip();
                }
            }
            if (version == null || report == null) {
                throw new BadReport("empty state report");
            }
            return report;
        }

        private ConfigDigest config() throws IOException, BadReport {
            Fields f = new Fields("config");
            startObject("config");
            while (nextField()) {
                String name = p.currentName();
                switch (name) {
                    case "hacf", "haresources", "authkeys" -> f.put(name, string("config " + name));
                    case "groups" -> {
                        Map<String, String> groups = new TreeMap<>();
                        startObject("config groups");
                        while (nextField()) {
                            String group = p.currentName();
                            groups.put(group, string("config group " + abbreviate(group)));
                        }
                        f.put(name, groups);
                    }
                    default -> skip();
                }
            }
            f.require("hacf", "haresources", "authkeys", "groups");
            return new ConfigDigest(f.get("hacf"), f.get("haresources"), f.get("authkeys"), f.get("groups"));
        }

        private StateReport report() throws IOException, BadReport {
            Fields f = new Fields("report");
            startObject("report");
            while (nextField()) {
                String name = p.currentName();
                switch (name) {
                    case "node", "incarnation" -> f.put(name, string(name));
                    case "seq", "lamport" -> f.put(name, longValue(name));
                    case "score" -> f.put(name, integer(name));
                    case "ready", "rejoining", "recovering" -> f.put(name, bool(name));
                    case "standby" -> f.put(name, constant(GroupScope.class, name));
                    case "groups" -> f.put(name, groups());
                    case "failures" -> f.put(name, failures());
                    case "seen" -> f.put(name, seen());
                    case "registers" -> f.put(name, registers());
                    case "released", "members" -> f.put(name, strings(name));
                    default -> skip();
                }
            }
            f.require("node", "incarnation", "seq", "lamport", "ready", "score", "standby", "groups", "failures",
                    "seen", "registers", "released");
            List<String> members = f.get("members"); // optional: absent from older nodes
            return new StateReport(f.get("node"), f.get("incarnation"), f.<Long>get("seq"), f.<Long>get("lamport"),
                    f.<Boolean>get("ready"), f.<Integer>get("score"), f.get("standby"), f.get("groups"),
                    f.get("failures"), f.get("seen"), f.get("registers"), f.get("released"),
                    members == null ? List.of() : members,
                    Boolean.TRUE.equals(f.<Boolean>get("rejoining")), // optional: absent unless true
                    Boolean.TRUE.equals(f.<Boolean>get("recovering"))); // optional: absent unless true
        }

        private Map<String, StateReport.GroupReport> groups() throws IOException, BadReport {
            Map<String, StateReport.GroupReport> groups = new HashMap<>();
            startObject("groups");
            while (nextField()) {
                String group = p.currentName();
                Fields f = new Fields("group " + group);
                startObject("group " + group);
                while (nextField()) {
                    String name = p.currentName();
                    switch (name) {
                        case "phase" -> f.put(name, constant(GroupPhase.class, name));
                        case "holdFailback" -> f.put(name, bool(name));
                        case "resources" -> f.put(name, constants(ResourceState.class, name));
                        case "claimSeq" -> f.put(name, longValue(name));
                        default -> skip();
                    }
                }
                f.require("phase", "holdFailback", "resources");
                Long claimSeq = f.get("claimSeq"); // optional: absent from older nodes
                groups.put(group, new StateReport.GroupReport(f.get("phase"), f.<Boolean>get("holdFailback"),
                        f.get("resources"), claimSeq == null ? 0 : claimSeq));
            }
            return groups;
        }

        private List<StateReport.FailureReport> failures() throws IOException, BadReport {
            List<StateReport.FailureReport> failures = new ArrayList<>();
            startArray("failures");
            while (p.nextToken() != JsonToken.END_ARRAY) {
                expectStartObject("a failure");
                Fields f = new Fields("failure");
                while (nextField()) {
                    String name = p.currentName();
                    switch (name) {
                        case "group", "resource" -> f.put(name, string(name));
                        case "count", "threshold" -> f.put(name, integer(name));
                        case "banned" -> f.put(name, bool(name));
                        default -> skip();
                    }
                }
                f.require("group", "resource", "count", "threshold", "banned");
                failures.add(new StateReport.FailureReport(f.get("group"), f.get("resource"), f.<Integer>get("count"),
                        f.<Integer>get("threshold"), f.<Boolean>get("banned")));
            }
            return failures;
        }

        private Map<String, StateReport.SeenMark> seen() throws IOException, BadReport {
            Map<String, StateReport.SeenMark> seen = new HashMap<>();
            startObject("seen");
            while (nextField()) {
                String node = p.currentName();
                Fields f = new Fields("seen " + node);
                startObject("seen " + node);
                while (nextField()) {
                    String name = p.currentName();
                    switch (name) {
                        case "incarnation" -> f.put(name, string(name));
                        case "seq" -> f.put(name, longValue(name));
                        default -> skip();
                    }
                }
                f.require("incarnation", "seq");
                seen.put(node, new StateReport.SeenMark(f.get("incarnation"), f.<Long>get("seq")));
            }
            return seen;
        }

        private ClusterRegisters registers() throws IOException, BadReport {
            Fields f = new Fields("registers");
            startObject("registers");
            while (nextField()) {
                String name = p.currentName();
                switch (name) {
                    case "pins" -> f.put(name, pins());
                    case "maintenance" -> f.put(name, maintenance());
                    case "cleanups" -> {
                        Map<String, Stamp> cleanups = new HashMap<>();
                        startObject("cleanups");
                        while (nextField()) {
                            String scope = p.currentName();
                            cleanups.put(scope, stamp("cleanup " + scope));
                        }
                        f.put(name, cleanups);
                    }
                    default -> skip();
                }
            }
            f.require("pins", "maintenance", "cleanups");
            return new ClusterRegisters(f.get("pins"), f.get("maintenance"), f.get("cleanups"));
        }

        private Map<String, ClusterRegisters.Pin> pins() throws IOException, BadReport {
            Map<String, ClusterRegisters.Pin> pins = new HashMap<>();
            startObject("pins");
            while (nextField()) {
                String group = p.currentName();
                Fields f = new Fields("pin " + group);
                startObject("pin " + group);
                while (nextField()) {
                    String name = p.currentName();
                    switch (name) {
                        case "node" -> f.put(name, p.nextToken() == JsonToken.VALUE_NULL ? Fields.NULL : text(name));
                        case "stamp" -> f.put(name, stamp("pin " + group));
                        default -> skip();
                    }
                }
                f.require("node", "stamp");
                Object node = f.get("node");
                pins.put(group, new ClusterRegisters.Pin(node == Fields.NULL ? null : (String) node, f.get("stamp")));
            }
            return pins;
        }

        private ClusterRegisters.Flag maintenance() throws IOException, BadReport {
            Fields f = new Fields("maintenance");
            startObject("maintenance");
            while (nextField()) {
                String name = p.currentName();
                switch (name) {
                    case "on" -> f.put(name, bool(name));
                    case "stamp" -> f.put(name, stamp("maintenance"));
                    default -> skip();
                }
            }
            f.require("on", "stamp");
            return new ClusterRegisters.Flag(f.<Boolean>get("on"), f.get("stamp"));
        }

        private Stamp stamp(String what) throws IOException, BadReport {
            Fields f = new Fields(what + " stamp");
            startObject(what + " stamp");
            while (nextField()) {
                String name = p.currentName();
                switch (name) {
                    case "lamport" -> f.put(name, longValue(name));
                    case "node" -> f.put(name, string(name));
                    default -> skip();
                }
            }
            f.require("lamport", "node");
            return new Stamp(f.<Long>get("lamport"), f.get("node"));
        }

        // ---- tokens ------------------------------------------------------------------------

        private void startObject(String what) throws IOException, BadReport {
            p.nextToken();
            expectStartObject(what);
        }

        private void expectStartObject(String what) throws BadReport {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new BadReport(what + " is not an object");
            }
        }

        private void startArray(String what) throws IOException, BadReport {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new BadReport(what + " is not a list");
            }
        }

        /** Moves to the next field name of the current object; false at its end. */
        private boolean nextField() throws IOException, BadReport {
            JsonToken t = p.nextToken();
            if (t == JsonToken.END_OBJECT) {
                return false;
            }
            if (t != JsonToken.FIELD_NAME) {
                throw new BadReport("truncated state report");
            }
            return true;
        }

        private void skip() throws IOException {
            p.nextToken();
            p.skipChildren();
        }

        private String string(String name) throws IOException, BadReport {
            p.nextToken();
            return text(name);
        }

        private String text(String name) throws IOException, BadReport {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw new BadReport(name + " is not a string");
            }
            return p.getText();
        }

        private long longValue(String name) throws IOException, BadReport {
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new BadReport(name + " is not a whole number");
            }
            return p.getLongValue();
        }

        private int integer(String name) throws IOException, BadReport {
            long v = longValue(name);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new BadReport(name + " is out of range");
            }
            return (int) v;
        }

        private boolean bool(String name) throws IOException, BadReport {
            JsonToken t = p.nextToken();
            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                throw new BadReport(name + " is not true or false");
            }
            return t == JsonToken.VALUE_TRUE;
        }

        private <E extends Enum<E>> E constant(Class<E> type, String name) throws IOException, BadReport {
            p.nextToken();
            return constantHere(type, name);
        }

        private <E extends Enum<E>> E constantHere(Class<E> type, String name) throws IOException, BadReport {
            String v = text(name);
            try {
                return Enum.valueOf(type, v);
            } catch (IllegalArgumentException e) {
                throw new BadReport(name + " '" + abbreviate(v) + "' is not known to this version");
            }
        }

        private <E extends Enum<E>> List<E> constants(Class<E> type, String name) throws IOException, BadReport {
            List<E> list = new ArrayList<>();
            startArray(name);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(constantHere(type, name));
            }
            return list;
        }

        private List<String> strings(String name) throws IOException, BadReport {
            List<String> list = new ArrayList<>();
            startArray(name);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(text(name));
            }
            return list;
        }
    }

    /** The fields of one object as read, so that a missing one is named. */
    private static final class Fields {
        static final Object NULL = new Object();
        private final String what;
        private final Map<String, Object> values = new HashMap<>();

        Fields(String what) {
            this.what = what;
        }

        void put(String name, Object value) {
            values.put(name, value);
        }

        void require(String... names) throws BadReport {
            for (String n : names) {
                if (!values.containsKey(n)) {
                    throw new BadReport(what + " without " + n);
                }
            }
        }

        @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // the caller names the type it stored
        <T> T get(String name) {
            return (T) values.get(name);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** The optional field names of a group object, for the test that keeps the golden files complete. */
    static final Set<String> V1_OPTIONAL_GROUP_FIELDS = Set.of("claimSeq");

    /** The optional field names of a report object (members, 2026-12-07), for the same test. */
    static final Set<String> V1_OPTIONAL_REPORT_FIELDS = Set.of("members", "rejoining", "recovering");

    /** The field names version 1 uses, for the test that keeps the golden files complete. */
    static final Set<String> V1_REPORT_FIELDS = Set.of("node", "incarnation", "seq", "lamport", "ready", "score",
            "standby", "groups", "failures", "seen", "registers", "released");
}
