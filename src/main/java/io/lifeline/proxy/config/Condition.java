package io.lifeline.proxy.config;

import java.util.List;

/**
 * An {@code if}/{@code unless} condition: a disjunction ({@code ||} or {@code or}) of
 * conjunctions of ACL names, each possibly negated with {@code !}.
 */
public record Condition(boolean unless, List<List<Term>> anyOf) {

    public record Term(String acl, boolean negated) {
    }

    public Condition {
        anyOf = anyOf.stream().map(List::copyOf).toList();
    }
}
