package io.lifeline.proxy.config;

import java.util.List;
import java.util.Set;

/**
 * One supported configuration keyword: its name (one or two words, e.g. {@code timeout
 * connect}), the sections where it is allowed, its syntax, what it does, and the code that
 * applies it. {@link ProxyKeywords#ALL} is the one reference for what the proxy understands.
 */
public record Keyword(String name, Set<Scope> scopes, String syntax, String description, Handler handler) {

    /** Applies the keyword's arguments to the section being parsed; reports problems through ctx. */
    @FunctionalInterface
    public interface Handler {
        void apply(LineContext ctx, List<String> args);
    }
}
