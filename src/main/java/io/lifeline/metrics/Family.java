package io.lifeline.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One metric family being filled from a status snapshot: a name, its help text and one value per
 * label set. A label set seen twice keeps its first value, so an unexpected duplicate in the
 * status costs one sample instead of the whole scrape (the library refuses duplicates).
 */
final class Family {

    enum Type { GAUGE, COUNTER }

    private final Type type;
    private final String name;
    private final String help;
    private final String[] labelNames;
    private final Map<Labels, Double> points = new LinkedHashMap<>();

    private Family(Type type, String name, String help, String... labelNames) {
        this.type = type;
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
    }

    static Family gauge(String name, String help, String... labelNames) {
        return new Family(Type.GAUGE, name, help, labelNames);
    }

    /** {@code name} without {@code _total}: the exposition adds it. */
    static Family counter(String name, String help, String... labelNames) {
        return new Family(Type.COUNTER, name, help, labelNames);
    }

    /** Adds one sample; {@code labelValues} in the order of the family's label names. */
    Family add(double value, String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + " takes " + labelNames.length + " label values");
        }
        String[] values = new String[labelValues.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = labelValues[i] == null ? "" : labelValues[i];
        }
        points.putIfAbsent(Labels.of(labelNames, values), value);
        return this;
    }

    /** 1 or 0. */
    Family add(boolean value, String... labelValues) {
        return add(value ? 1 : 0, labelValues);
    }

    /** One sample per value of {@code all}: 1 for {@code current}, 0 for the others (the enum-as-labels idiom). */
    <E extends Enum<E>> Family addStates(E current, E[] all, String... labelValues) {
        for (E e : all) {
            String[] values = java.util.Arrays.copyOf(labelValues, labelValues.length + 1);
            values[labelValues.length] = Words.lower(e);
            add(e == current, values);
        }
        return this;
    }

    MetricSnapshot snapshot() {
        if (type == Type.COUNTER) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            points.forEach((labels, v) -> b.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(v).build()));
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach((labels, v) -> b.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(v).build()));
        return b.build();
    }
}
