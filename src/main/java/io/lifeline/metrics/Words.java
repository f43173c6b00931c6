package io.lifeline.metrics;

import java.util.Locale;

/** Label values as {@code hactl status --json} writes them: enum words in lower case. */
final class Words {

    private Words() {
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
