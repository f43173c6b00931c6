package io.lifeline.proxy.config;

import java.util.List;

/**
 * Applies one proxy keyword's arguments to the section being parsed, reporting problems through
 * the context: the handler of the proxy's {@link io.lifeline.config.Keyword}s ({@link ProxyKeywords#ALL}).
 */
@FunctionalInterface
public interface KeywordHandler {
    void apply(LineContext ctx, List<String> args);
}
