package io.lifeline.proxy.config;

/** A {@code use_backend NAME if|unless CONDITION} line. */
public record UseBackendRule(String backend, Condition condition, int line) {
}
