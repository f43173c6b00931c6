package io.lifeline.manager;

import io.lifeline.config.ResourceGroup;
import java.util.Locale;

/**
 * Which groups a standby or takeover command means, seen from the node it runs on, exactly as
 * in Heartbeat's {@code hb_standby} / {@code hb_takeover}: {@code local} are the groups whose
 * haresources home is this node, {@code foreign} the others, {@code all} every group.
 */
public enum GroupScope {
    NONE, ALL, LOCAL, FOREIGN;

    public boolean covers(ResourceGroup group, String node) {
        return switch (this) {
            case NONE -> false;
            case ALL -> true;
            case LOCAL -> group.preferredNode().equalsIgnoreCase(node);
            case FOREIGN -> !group.preferredNode().equalsIgnoreCase(node);
        };
    }

    /** Parses {@code all|local|foreign}; Heartbeat's {@code failback} is an alias of {@code foreign}. */
    public static GroupScope parse(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "all", "" -> ALL;
            case "local" -> LOCAL;
            case "foreign", "failback" -> FOREIGN;
            default -> throw new IllegalArgumentException(
                    "unknown scope '" + word + "': expected all, local or foreign");
        };
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
