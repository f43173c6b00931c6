package io.lifeline.manager.notify;

import java.nio.file.Path;
import java.time.Duration;

/** One {@code notify /path/script [timeout=30s]} directive: a script run for every transition. */
public record NotifyHook(Path script, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public NotifyHook {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("notify timeout must be positive");
        }
    }
}
