package io.lifeline.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed JSON value for hactl's client side: the daemon's answers read without Jackson.
 *
 * <p>Why not Jackson here: {@code hactl status} is a JVM start per call, and building an
 * ObjectMapper loads about 280 jackson-databind classes, a third of the command's CPU time
 * (bench/hactl). The daemon keeps Jackson for writing; a client only needs to read an answer and
 * print it again, which this does in a few hundred lines. Numbers keep their text, so
 * {@code --json} prints them exactly as the daemon wrote them.
 *
 * <p>The accessors follow Jackson's {@code JsonNode} names ({@code path}, {@code asText},
 * {@code isNull}, ...), with the same forgiving behaviour: {@link #path} of anything absent is
 * the {@link #MISSING} value, whose accessors return the defaults.
 */
public final class JsonValue implements Iterable<JsonValue> {

    /** What a JSON value is. */
    public enum Kind { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL, MISSING }

    /** The value of a path that is not there. */
    public static final JsonValue MISSING = new JsonValue(Kind.MISSING, null);
    private static final JsonValue NULL = new JsonValue(Kind.NULL, null);
    private static final JsonValue TRUE = new JsonValue(Kind.BOOLEAN, "true");
    private static final JsonValue FALSE = new JsonValue(Kind.BOOLEAN, "false");
    /** Nesting deeper than this is refused (the daemon's answers are 5-6 levels deep). */
    private static final int MAX_DEPTH = 64;

    private final Kind kind;
    /** the text of a string, number or boolean; null for the others */
    private final String text;
    private final Map<String, JsonValue> fields;
    private final List<JsonValue> items;

    private JsonValue(Kind kind, String text) {
        this(kind, text, null, null);
    }

    private JsonValue(Kind kind, String text, Map<String, JsonValue> fields, List<JsonValue> items) {
        this.kind = kind;
        this.text = text;
        this.fields = fields;
        this.items = items;
    }

    /** Parses one JSON document. @throws IllegalArgumentException on malformed input, saying where */
    public static JsonValue parse(String json) {
        Parser p = new Parser(json);
        p.skipSpace();
        JsonValue v = p.value(0);
        p.skipSpace();
        if (p.pos != json.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    public Kind kind() {
        return kind;
    }

    /** The field {@code name} of an object; {@link #MISSING} if absent or this is no object. */
    public JsonValue path(String name) {
        if (fields == null) {
            return MISSING;
        }
        JsonValue v = fields.get(name);
        return v == null ? MISSING : v;
    }

    /** Element {@code i} of an array; {@link #MISSING} if out of range or this is no array. */
    public JsonValue get(int i) {
        return items != null && i >= 0 && i < items.size() ? items.get(i) : MISSING;
    }

    /** Elements of an array, or the values of an object (as Jackson iterates), else nothing. */
    @Override
    public Iterator<JsonValue> iterator() {
        if (items != null) {
            return items.iterator();
        }
        if (fields != null) {
            return fields.values().iterator();
        }
        return Collections.emptyIterator();
    }

    /** Elements of an array, fields of an object, else 0. */
    public int size() {
        return items != null ? items.size() : fields != null ? fields.size() : 0;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    public boolean isMissingNode() {
        return kind == Kind.MISSING;
    }

    public boolean isNumber() {
        return kind == Kind.NUMBER;
    }

    public boolean isTextual() {
        return kind == Kind.STRING;
    }

    public boolean isBoolean() {
        return kind == Kind.BOOLEAN;
    }

    /** A string's text, a number's or boolean's as written, "null" for null, "" otherwise. */
    public String asText() {
        return text != null ? text : kind == Kind.NULL ? "null" : "";
    }

    /** As {@link #asText()}, but {@code def} for missing and null values. */
    public String asText(String def) {
        return kind == Kind.MISSING || kind == Kind.NULL ? def : asText();
    }

    public long asLong() {
        return asLong(0);
    }

    /** A number (fractions cut), a numeric string, true as 1; else {@code def}. */
    public long asLong(long def) {
        if (kind == Kind.BOOLEAN) {
            return "true".equals(text) ? 1 : 0;
        }
        if (kind != Kind.NUMBER && kind != Kind.STRING) {
            return def;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            try {
                return (long) Double.parseDouble(text.trim());
            } catch (NumberFormatException e2) {
                return def;
            }
        }
    }

    public int asInt() {
        return (int) asLong(0);
    }

    public boolean asBoolean() {
        return asBoolean(false);
    }

    /** A boolean; a number is true unless 0; "true"/"false" strings; else {@code def}. */
    public boolean asBoolean(boolean def) {
        return switch (kind) {
            case BOOLEAN -> "true".equals(text);
            case NUMBER -> asLong(0) != 0;
            case STRING -> "true".equals(text.trim()) || (!"false".equals(text.trim()) && def);
            default -> def;
        };
    }

    /** Compact JSON, as the daemon writes it. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        write(sb, -1);
        return sb.toString();
    }

    /** Indented JSON in the layout of Jackson's default pretty printer ({@code "key" : value}). */
    public String toPrettyString() {
        StringBuilder sb = new StringBuilder();
        write(sb, 0);
        return sb.toString();
    }

    private void write(StringBuilder sb, int indent) {
        switch (kind) {
            case OBJECT -> {
                if (fields.isEmpty()) {
                    sb.append(indent < 0 ? "{}" : "{ }");
                    return;
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : fields.entrySet()) {
                    sb.append(first ? "" : ",");
                    first = false;
                    if (indent >= 0) {
                        sb.append('\n').append("  ".repeat(indent + 1));
                    }
                    quote(e.getKey(), sb);
                    sb.append(indent >= 0 ? " : " : ":");
                    e.getValue().write(sb, indent < 0 ? -1 : indent + 1);
                }
                if (indent >= 0) {
                    sb.append('\n').append("  ".repeat(indent));
                }
                sb.append('}');
            }
            case ARRAY -> {
                if (items.isEmpty()) {
                    sb.append(indent < 0 ? "[]" : "[ ]");
                    return;
                }
                sb.append(indent >= 0 ? "[ " : "[");
                for (int i = 0; i < items.size(); i++) {
                    sb.append(i == 0 ? "" : indent >= 0 ? ", " : ",");
                    items.get(i).write(sb, indent);
                }
                sb.append(indent >= 0 ? " ]" : "]");
            }
            case STRING -> quote(text, sb);
            case NUMBER, BOOLEAN -> sb.append(text);
            case NULL, MISSING -> sb.append("null");
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** A recursive-descent reader of RFC 8259 JSON. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        JsonValue value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{' -> {
                    return object(depth);
                }
                case '[' -> {
                    return array(depth);
                }
                case '"' -> {
                    return new JsonValue(Kind.STRING, string());
                }
                case 't' -> {
                    literal("true");
                    return TRUE;
                }
                case 'f' -> {
                    literal("false");
                    return FALSE;
                }
                case 'n' -> {
                    literal("null");
                    return NULL;
                }
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            }
        }

        private JsonValue object(int depth) {
            pos++;
            Map<String, JsonValue> fields = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return new JsonValue(Kind.OBJECT, null, fields, null);
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a field name");
                }
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                fields.put(name, value(depth + 1));
                skipSpace();
                char c = next();
                if (c == '}') {
                    return new JsonValue(Kind.OBJECT, null, fields, null);
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private JsonValue array(int depth) {
            pos++;
            List<JsonValue> items = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return new JsonValue(Kind.ARRAY, null, null, items);
            }
            while (true) {
                skipSpace();
                items.add(value(depth + 1));
                skipSpace();
                char c = next();
                if (c == ']') {
                    return new JsonValue(Kind.ARRAY, null, null, items);
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++; // the opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        private JsonValue number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int digits = digits();
            if (digits == 0 || (digits > 1 && s.charAt(pos - digits) == '0')) {
                throw error("malformed number");
            }
            if (peek() == '.') {
                pos++;
                if (digits() == 0) {
                    throw error("malformed number");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (digits() == 0) {
                    throw error("malformed number");
                }
            }
            return new JsonValue(Kind.NUMBER, s.substring(start, pos));
        }

        private int digits() {
            int n = 0;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
                n++;
            }
            return n;
        }

        private void literal(String word) {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected word");
            }
            pos += word.length();
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private char next() {
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            return s.charAt(pos++);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("malformed JSON at character " + (pos + 1) + ": " + what);
        }
    }
}
