package io.lifeline.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One keyword of a configuration language Lifeline reads: ha.cf ({@link HaCfKeywords}), the
 * keepalived subset of an {@code IPVS::} file ({@code io.lifeline.ipvs.config.IpvsKeywords}) and
 * the haproxy.cfg subset of a {@code Proxy::} file ({@code io.lifeline.proxy.config.ProxyKeywords}).
 * Each language has one table of these, and its parser, its reference in docs/ and its manual
 * page are made from that table, so a keyword is described once.
 *
 * @param name     the keyword as written (one or two words, e.g. {@code timeout connect})
 * @param sections where it may appear, in documentation order (a proxy section, an IPVS block);
 *                 empty for a language without sections (ha.cf)
 * @param syntax   the keyword with its arguments, as the reference shows it
 * @param status   where it comes from and what Lifeline does with it
 * @param meaning  what it does; for an {@link Status#IGNORED} or {@link Status#UNSUPPORTED} one,
 *                 the reason, which is also what the parser's warning says
 * @param handler  the code that applies it, for a language whose parser runs its table
 *                 (the proxy's); null where the parser dispatches on the name itself
 * @param <H>      the language's handler type
 */
public record Keyword<H>(String name, Set<String> sections, String syntax, Status status, String meaning, H handler) {

    public Keyword {
        sections = Collections.unmodifiableSet(new LinkedHashSet<>(sections));
    }

    /** A keyword of a language without sections and without handlers (ha.cf). */
    public static Keyword<Void> of(String name, String syntax, Status status, String meaning) {
        return new Keyword<>(name, Set.of(), syntax, status, meaning, null);
    }

    /** A keyword allowed in {@code sections}, applied by the parser's own code. */
    public static Keyword<Void> in(Collection<String> sections, String name, String syntax, Status status,
            String meaning) {
        return new Keyword<>(name, new LinkedHashSet<>(sections), syntax, status, meaning, null);
    }

    /** Where a keyword comes from and whether Lifeline uses it. */
    public enum Status {
        /** A keyword of the original tool (Heartbeat, keepalived, HAProxy) that Lifeline implements. */
        USED("used"),
        /** One Lifeline has no need for: accepted with a warning giving the reason. */
        IGNORED("ignored"),
        /** A feature Lifeline does not implement: accepted with a warning, no effect. */
        UNSUPPORTED("not supported"),
        /** A Lifeline keyword read by the language's parser. */
        LIFELINE(null),
        /**
         * A Lifeline ha.cf directive of the resource manager: the parser keeps it in
         * {@link HaCf#extensions()} and {@code io.lifeline.manager.ManagerDirectives} checks it.
         */
        LIFELINE_MANAGER(null);

        private final String what;

        Status(String what) {
            this.what = what;
        }

        /** How the reference pages name the status, for a language that came from {@code origin}. */
        public String label(String origin) {
            return switch (this) {
                case LIFELINE -> "Lifeline only";
                case LIFELINE_MANAGER -> "Lifeline only (resource manager)";
                default -> origin + ", " + what;
            };
        }
    }
}
