package io.lifeline.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats), for tests: every deviation is an
 * {@link IllegalArgumentException} naming the line. Beyond the grammar it checks what a scraper
 * relies on: one HELP and one TYPE per family and before its samples, a family's samples
 * contiguous, no series twice, histogram buckets cumulative and ending in {@code le="+Inf"}
 * equal to {@code _count}, and a newline at the end.
 */
final class PromText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Set<String> closed = new HashSet<>();
    private final Set<String> series = new HashSet<>();
    private Family current;
    private int lineNo;

    private PromText() {
    }

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition does not end with a newline");
        }
        PromText p = new PromText();
        for (String line : text.split("\n", -1)) {
            p.lineNo++;
            p.line(line);
        }
        p.families.values().forEach(PromText::checkHistogram);
        return p.families;
    }

    private IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("line " + lineNo + ": " + why);
    }

    private void line(String line) {
        if (line.isEmpty()) {
            return;
        }
        if (line.startsWith("#")) {
            String[] w = line.split(" ", 4);
            if (w.length >= 3 && (w[1].equals("HELP") || w[1].equals("TYPE"))) {
                descriptor(w[1], w[2], w.length == 4 ? w[3] : "");
            }
            return; // any other comment
        }
        sample(line);
    }

    private void descriptor(String kind, String name, String value) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw bad("bad metric name '" + name + "'");
        }
        Family f = families.get(name);
        if (f == null) {
            if (current != null) {
                closed.add(current.name());
            }
            if (closed.contains(name)) {
                throw bad(name + " appears again after other families");
            }
            f = new Family(name, null, null, new ArrayList<>());
            families.put(name, f);
            current = f;
        } else if (f != current || !f.samples().isEmpty()) {
            throw bad(kind + " of " + name + " after its samples or elsewhere");
        }
        if (kind.equals("HELP")) {
            if (f.help() != null) {
                throw bad("second HELP for " + name);
            }
            replace(new Family(name, f.type(), unescape(value, false), f.samples()));
        } else {
            if (f.type() != null) {
                throw bad("second TYPE for " + name);
            }
            if (!TYPES.contains(value)) {
                throw bad("unknown type '" + value + "'");
            }
            replace(new Family(name, value, f.help(), f.samples()));
        }
    }

    private void replace(Family f) {
        families.put(f.name(), f);
        current = f;
    }

    private void sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw bad("bad metric name '" + name + "'");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw bad("expected a space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2) {
            throw bad("extra text after value and timestamp");
        }
        double value = number(rest[0]);
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw bad("bad timestamp '" + rest[1] + "'");
        }
        Family f = familyOf(name);
        if (!series.add(name + labels)) {
            throw bad("series " + name + labels + " appears twice");
        }
        f.samples().add(new Sample(name, labels, value));
    }

    /** The family a sample belongs to: the current one, by the suffixes its type allows. */
    private Family familyOf(String name) {
        if (current == null) {
            throw bad(name + " has no TYPE before it");
        }
        String base = current.name();
        boolean ok = switch (current.type() == null ? "untyped" : current.type()) {
            case "histogram" -> name.equals(base + "_bucket") || name.equals(base + "_sum") || name.equals(base + "_count");
            case "summary" -> name.equals(base) || name.equals(base + "_sum") || name.equals(base + "_count");
            default -> name.equals(base);
        };
        if (!ok) {
            throw bad(name + " is not a sample of the current family " + base + " (" + current.type() + ")");
        }
        return current;
    }

    private int labels(String line, int i, Map<String, String> labels) {
        while (true) {
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                throw bad("label without '='");
            }
            String label = line.substring(i, eq);
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw bad("bad label name '" + label + "'");
            }
            if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw bad("label value of " + label + " is not quoted");
            }
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (true) {
                if (j >= line.length()) {
                    throw bad("unterminated label value");
                }
                char c = line.charAt(j);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (j + 1 >= line.length()) {
                        throw bad("dangling backslash");
                    }
                    char e = line.charAt(++j);
                    v.append(switch (e) {
                        case '\\' -> '\\';
                        case '"' -> '"';
                        case 'n' -> '\n';
                        default -> throw bad("bad escape \\" + e + " in a label value");
                    });
                } else {
                    v.append(c);
                }
                j++;
            }
            if (labels.put(label, v.toString()) != null) {
                throw bad("label " + label + " twice");
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i >= line.length() || line.charAt(i) != '}') {
                throw bad("expected ',' or '}' after a label");
            }
        }
    }

    private double number(String s) {
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                    throw bad("bad value '" + s + "'");
                }
                return Double.parseDouble(s);
        }
    }

    private String unescape(String s, boolean quotes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                if (e == '\\') {
                    b.append('\\');
                } else if (e == 'n') {
                    b.append('\n');
                } else if (quotes && e == '"') {
                    b.append('"');
                } else {
                    throw bad("bad escape \\" + e + " in HELP");
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Per label set (without le): buckets cumulative, ending in +Inf, equal to _count. */
    private static void checkHistogram(Family f) {
        if (!"histogram".equals(f.type())) {
            return;
        }
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            Map<String, String> key = new LinkedHashMap<>(s.labels());
            key.remove("le");
            if (s.name().endsWith("_bucket")) {
                if (!s.labels().containsKey("le")) {
                    throw new IllegalArgumentException(s + " has no le label");
                }
                buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            } else if (s.name().endsWith("_count")) {
                counts.put(key, s.value());
            }
        }
        buckets.forEach((key, list) -> {
            double prevLe = Double.NEGATIVE_INFINITY;
            double prev = 0;
            for (Sample s : list) {
                double le = s.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(s.labels().get("le"));
                if (le <= prevLe || s.value() < prev) {
                    throw new IllegalArgumentException(f.name() + key + ": buckets not increasing at le=" + le);
                }
                prevLe = le;
                prev = s.value();
            }
            if (prevLe != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(f.name() + key + ": no le=\"+Inf\" bucket");
            }
            if (!Optional.ofNullable(counts.get(key)).equals(Optional.of(prev))) {
                throw new IllegalArgumentException(f.name() + key + ": +Inf bucket " + prev + " != _count "
                        + counts.get(key));
            }
        });
    }

    /**
     * The value of the sample named {@code sample} (a family's name, or a histogram's
     * {@code _bucket}/{@code _sum}/{@code _count}) with exactly these labels (name, value, ...).
     */
    static Optional<Double> value(Map<String, Family> families, String sample, String... labelPairs) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        Family f = families.get(sample);
        if (f == null) {
            f = families.get(sample.replaceFirst("_(bucket|sum|count)$", ""));
        }
        if (f == null) {
            return Optional.empty();
        }
        return f.samples().stream().filter(s -> s.name().equals(sample) && s.labels().equals(want))
                .map(Sample::value).findFirst();
    }
}
