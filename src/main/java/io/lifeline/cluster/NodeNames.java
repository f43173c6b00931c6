package io.lifeline.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The ha.cf node names; like Heartbeat, matching is case-insensitive and yields the ha.cf spelling. */
public final class NodeNames {

    private final Map<String, String> byLowerCase = new LinkedHashMap<>();

    public NodeNames(List<String> nodes) {
        for (String n : nodes) {
            byLowerCase.putIfAbsent(n.toLowerCase(Locale.ROOT), n);
        }
    }

    /** The configured spelling of {@code name}, or null if it is not a ha.cf node. */
    public String canonical(String name) {
        return name == null ? null : byLowerCase.get(name.toLowerCase(Locale.ROOT));
    }

    public List<String> all() {
        return List.copyOf(byLowerCase.values());
    }
}
