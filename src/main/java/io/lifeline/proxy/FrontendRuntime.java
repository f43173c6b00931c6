package io.lifeline.proxy;

import io.lifeline.proxy.config.AclConfig;
import io.lifeline.proxy.config.Condition;
import io.lifeline.proxy.config.ProxySection;
import io.lifeline.proxy.config.UseBackendRule;
import io.lifeline.proxy.http.HttpHead;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A frontend (or the frontend half of a listen section) at run time: routing and counters. */
public final class FrontendRuntime {

    final ProxySection config;
    final Counters counters = new Counters();
    private final BackendRuntime defaultBackend;
    private final Rule[] rules;
    /** For stats served by this frontend itself. */
    final StatsService stats;
    /** Header name for option forwardfor, or null. */
    final byte[] forwardForName;
    /** Set when a reload replaced this frontend: its keep-alive connections close after their response. */
    volatile boolean retired;

    /** A use_backend rule: null anyOf means unconditional; anyOf is an OR of ANDs of terms. */
    // arrays, not lists: evaluated for every request on the hot path; never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    private record Rule(BackendRuntime backend, boolean unless, Term[][] anyOf) {
    }

    /** An ACL reference in a condition: true when any of the ACL's lines match (inverted if negated). */
    // arrays, not lists: evaluated for every request on the hot path; never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    private record Term(AclMatcher[] lines, boolean negated) {
        boolean matches(HttpHead h) {
            boolean m = false;
            for (AclMatcher a : lines) {
                if (a.matches(h)) {
                    m = true;
                    break;
                }
            }
            return negated != m;
        }
    }

    FrontendRuntime(ProxySection config, Map<String, BackendRuntime> backends, StatsService stats) {
        this.config = config;
        this.stats = stats;
        this.forwardForName = config.forwardFor() == null ? null
                : config.forwardFor().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Map<String, List<AclMatcher>> acls = new HashMap<>();
        for (AclConfig a : config.acls()) {
            acls.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(new AclMatcher(a));
        }
        List<Rule> list = new ArrayList<>();
        for (UseBackendRule r : config.useBackends()) {
            BackendRuntime be = backends.get(r.backend());
            Condition c = r.condition();
            if (c == null) {
                list.add(new Rule(be, false, null));
                continue;
            }
            Term[][] anyOf = new Term[c.anyOf().size()][];
            for (int i = 0; i < anyOf.length; i++) {
                List<Condition.Term> terms = c.anyOf().get(i);
                anyOf[i] = new Term[terms.size()];
                for (int j = 0; j < terms.size(); j++) {
                    Condition.Term t = terms.get(j);
                    anyOf[i][j] = new Term(acls.get(t.acl()).toArray(new AclMatcher[0]), t.negated());
                }
            }
            list.add(new Rule(be, c.unless(), anyOf));
        }
        this.rules = list.toArray(new Rule[0]);
        if (config.defaultBackend() != null) {
            this.defaultBackend = backends.get(config.defaultBackend());
        } else if (config.isBackend()) {
            this.defaultBackend = backends.get(config.name()); // a listen section serves itself
        } else {
            this.defaultBackend = null;
        }
    }

    public String name() {
        return config.name();
    }

    /** The backend for a request: the first matching use_backend rule, else the default; may be null. */
    BackendRuntime route(HttpHead h) {
        for (Rule r : rules) {
            if (r.anyOf == null || evaluate(r, h)) {
                return r.backend;
            }
        }
        return defaultBackend;
    }

    /** The backend for a TCP connection: unconditional rules, else the default. */
    BackendRuntime routeTcp() {
        for (Rule r : rules) {
            if (r.anyOf == null) {
                return r.backend;
            }
        }
        return defaultBackend;
    }

    private static boolean evaluate(Rule r, HttpHead h) {
        boolean any = false;
        for (Term[] all : r.anyOf) {
            boolean ok = true;
            for (Term term : all) {
                if (!term.matches(h)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                any = true;
                break;
            }
        }
        return r.unless != any;
    }
}
