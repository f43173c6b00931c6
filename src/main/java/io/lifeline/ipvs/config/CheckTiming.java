package io.lifeline.ipvs.config;

import java.time.Duration;

/**
 * When and how patiently a checker runs, keepalived's semantics: a check every
 * {@code delayLoop}; a check gets {@code connectTimeout}; a server that is up is declared down
 * only after {@code retry} further failed attempts, {@code delayBeforeRetry} apart.
 */
public record CheckTiming(Duration connectTimeout, int retry, Duration delayBeforeRetry, Duration delayLoop) {
}
