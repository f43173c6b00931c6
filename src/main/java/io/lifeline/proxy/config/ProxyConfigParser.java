package io.lifeline.proxy.config;

import io.lifeline.config.ConfigException;
import io.lifeline.config.ConfigFileReader;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.Keyword;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the documented subset of haproxy.cfg (see {@link ProxyKeywords}). Every problem is
 * reported with file:line through {@link Diagnostics}: unsupported HAProxy keywords are
 * warnings, malformed or inconsistent ones are errors. The parser never throws on bad input.
 */
public final class ProxyConfigParser {

    private final Path file;
    private final Diagnostics diagnostics;
    private final LineContext.GlobalSettings global = new LineContext.GlobalSettings();
    private SectionSettings defaults = new SectionSettings();
    private final List<PendingSection> sections = new ArrayList<>();

    private ProxyConfigParser(Path file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    /** Loads a file, throwing with every error found; warnings are returned in {@code warnings}. */
    public static ProxyConfig load(Path file, Diagnostics warnings) throws ConfigException {
        Diagnostics d = new Diagnostics();
        ProxyConfig config = parse(file, d);
        if (d.hasErrors()) {
            throw new ConfigException(d.problems());
        }
        warnings.addAll(d);
        return config;
    }

    /** Parses a file; returns null when it has errors (all of which are in {@code diagnostics}). */
    public static ProxyConfig parse(Path file, Diagnostics diagnostics) {
        Diagnostics local = new Diagnostics();
        ProxyConfig config = ConfigFileReader.text(file, ConfigFileReader.Encoding.UTF8, local)
                .map(text -> parseText(file, text, local)).orElse(null);
        diagnostics.addAll(local);
        return local.hasErrors() ? null : config;
    }

    /** Parses configuration text; {@code file} is only used in messages. */
    public static ProxyConfig parseText(Path file, String text, Diagnostics diagnostics) {
        Diagnostics local = new Diagnostics();
        ProxyConfigParser p = new ProxyConfigParser(file, local);
        p.run(text);
        ProxyConfig config = p.build(); // always, so cross-section errors show up too
        diagnostics.addAll(local);
        return local.hasErrors() ? null : config;
    }

    private static final class PendingSection {
        final ProxySection.Kind kind;
        final String name;
        final int line;
        final SectionSettings settings;

        PendingSection(ProxySection.Kind kind, String name, int line, SectionSettings settings) {
            this.kind = kind;
            this.name = name;
            this.line = line;
            this.settings = settings;
        }
    }

    private void run(String text) {
        Scope scope = null;
        SectionSettings current = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            List<String> words;
            try {
                words = tokenize(lines[i]);
            } catch (IllegalArgumentException e) {
                diagnostics.error(file, lineNo, e.getMessage());
                continue;
            }
            if (words.isEmpty()) {
                continue;
            }
            String first = words.get(0);
            switch (first) {
                case "global" -> {
                    scope = Scope.GLOBAL;
                    current = null;
                    if (words.size() > 1) {
                        diagnostics.warning(file, lineNo, "global section takes no name; '" + words.get(1) + "' ignored");
                    }
                    continue;
                }
                case "defaults" -> {
                    // HAProxy: each defaults section starts again from the built-in defaults
                    scope = Scope.DEFAULTS;
                    defaults = new SectionSettings();
                    current = defaults;
                    if (words.size() > 1) {
                        diagnostics.warning(file, lineNo, "named defaults sections are not supported; '"
                                + words.get(1) + "' is treated as the current anonymous defaults");
                    }
                    continue;
                }
                case "frontend", "backend", "listen" -> {
                    ProxySection.Kind kind = ProxySection.Kind.valueOf(first.toUpperCase(Locale.ROOT));
                    scope = Scope.valueOf(kind.name());
                    current = defaults.inherit();
                    if (words.size() < 2) {
                        diagnostics.error(file, lineNo, first + " needs a name");
                        current = null;
                        scope = null;
                        continue;
                    }
                    String name = words.get(1);
                    if (!name.matches("[A-Za-z0-9_.:-]+")) {
                        diagnostics.error(file, lineNo, first + " name '" + name
                                + "' may only contain letters, digits, '-', '_', '.' and ':'");
                    }
                    int idx = 2;
                    if (words.size() > idx && words.get(idx).equals("from")) {
                        diagnostics.warning(file, lineNo, "'from' (named defaults) is not supported; the last defaults section applies");
                        idx += 2;
                    }
                    if (kind == ProxySection.Kind.LISTEN && words.size() > idx) {
                        // legacy "listen NAME ADDRESS:PORT"
                        LineContext ctx = new LineContext(current, global, scope, diagnostics, file, lineNo);
                        ProxyKeywords.ALL.get("bind").handler().apply(ctx, words.subList(idx, words.size()));
                    } else if (words.size() > idx) {
                        diagnostics.error(file, lineNo, first + " " + name + ": unexpected '" + words.get(idx) + "'");
                    }
                    sections.add(new PendingSection(kind, name, lineNo, current));
                    continue;
                }
                default -> {
                }
            }
            if (scope == null) {
                diagnostics.error(file, lineNo, "'" + first + "' outside of any section (global, defaults, frontend, backend, listen)");
                continue;
            }
            applyKeyword(scope, current, words, lineNo);
        }
    }

    private void applyKeyword(Scope scope, SectionSettings settings, List<String> words, int lineNo) {
        boolean negated = words.get(0).equals("no") && words.size() > 1;
        List<String> w = negated ? words.subList(1, words.size()) : words;
        String one = w.get(0);
        String two = w.size() > 1 ? one + " " + w.get(1) : null;
        Keyword<KeywordHandler> kw = null;
        int consumed = 0;
        if (two != null && ProxyKeywords.ALL.containsKey(two)) {
            kw = ProxyKeywords.ALL.get(two);
            consumed = 2;
        } else if (ProxyKeywords.ALL.containsKey(one)) {
            kw = ProxyKeywords.ALL.get(one);
            consumed = 1;
        }
        if (kw == null) {
            String shown = (negated ? "no " : "") + (two != null && (one.equals("option") || one.equals("timeout")
                    || one.equals("stats") || one.equals("http-check")) ? two : one);
            if (ProxyKeywords.KNOWN_UNSUPPORTED.contains(one)
                    || two != null && ProxyKeywords.KNOWN_UNSUPPORTED.contains(two)) {
                diagnostics.warning(file, lineNo, "'" + shown + "' is not supported by this proxy and is ignored");
            } else if (one.equals("option") || one.equals("timeout") || one.equals("stats") || one.equals("http-check")) {
                diagnostics.warning(file, lineNo, "unknown keyword '" + shown + "' ignored");
            } else {
                diagnostics.warning(file, lineNo, "unknown keyword '" + shown + "' in " + scope.keyword() + " section ignored");
            }
            return;
        }
        if (!kw.sections().contains(scope.keyword())) {
            diagnostics.warning(file, lineNo, "'" + kw.name() + "' is not allowed in a " + scope.keyword()
                    + " section and is ignored (allowed in: " + List.copyOf(kw.sections()) + ")");
            return;
        }
        LineContext ctx = new LineContext(settings, global, scope, diagnostics, file, lineNo);
        if (negated) {
            applyNegated(ctx, kw, w.subList(consumed, w.size()));
            return;
        }
        kw.handler().apply(ctx, w.subList(consumed, w.size()));
    }

    private void applyNegated(LineContext ctx, Keyword<KeywordHandler> kw, List<String> args) {
        if (!args.isEmpty()) {
            ctx.error("'no " + kw.name() + "' takes no argument");
            return;
        }
        switch (kw.name()) {
            case "option redispatch" -> ctx.settings.redispatchInterval = 0;
            case "option forwardfor" -> ctx.settings.forwardFor = false;
            case "option httpchk" -> ctx.settings.httpCheck = null;
            case "option httplog", "option tcplog" -> ctx.settings.accessLog = AccessLogFormat.NONE;
            case "option dontlognull" -> ctx.settings.dontLogNull = false;
            default -> ctx.error("'no' cannot be applied to '" + kw.name() + "'");
        }
    }

    /**
     * Splits a line into words like HAProxy: blanks separate words, '#' starts a comment,
     * double and single quotes group, backslash escapes the next character.
     */
    static List<String> tokenize(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else if (ch == '\\' && quote == '"' && i + 1 < line.length()) {
                    cur.append(line.charAt(++i));
                } else {
                    cur.append(ch);
                }
                continue;
            }
            if (ch == '#') {
                break;
            }
            if (ch == ' ' || ch == '\t') {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                switch (next) {
                    case 'r' -> cur.append('\r');
                    case 'n' -> cur.append('\n');
                    case 't' -> cur.append('\t');
                    default -> cur.append(next);
                }
            } else {
                cur.append(ch);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated " + (quote == '"' ? "double" : "single") + " quote");
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }

    // ---- cross-section validation and building -----------------------------------------

    private ProxyConfig build() {
        Map<String, PendingSection> frontendNames = new HashMap<>();
        Map<String, PendingSection> backendNames = new HashMap<>();
        for (PendingSection s : sections) {
            boolean fe = s.kind != ProxySection.Kind.BACKEND;
            boolean be = s.kind != ProxySection.Kind.FRONTEND;
            if (fe && frontendNames.putIfAbsent(s.name, s) != null) {
                diagnostics.error(file, s.line, "frontend '" + s.name + "' is declared twice (first at line "
                        + frontendNames.get(s.name).line + ")");
            }
            if (be && backendNames.putIfAbsent(s.name, s) != null) {
                diagnostics.error(file, s.line, "backend '" + s.name + "' is declared twice (first at line "
                        + backendNames.get(s.name).line + ")");
            }
        }
        Set<InetSocketAddress> binds = new HashSet<>();
        List<ProxySection> built = new ArrayList<>();
        for (PendingSection s : sections) {
            SectionSettings st = s.settings;
            String what = s.kind.keyword() + " '" + s.name + "'";
            if (s.kind != ProxySection.Kind.BACKEND) {
                if (st.binds.isEmpty()) {
                    diagnostics.error(file, s.line, what + " has no 'bind' line (declare it as a backend if that was intended)");
                }
                for (InetSocketAddress b : st.binds) {
                    if (b.getPort() != 0 && !binds.add(b)) {
                        diagnostics.error(file, s.line, what + ": address " + b + " is bound twice");
                    }
                }
                checkBackendRef(s, st.defaultBackend, st.defaultBackendLine > 0 ? st.defaultBackendLine : s.line,
                        "default_backend", backendNames);
                Set<String> aclNames = new HashSet<>();
                st.acls.forEach(a -> aclNames.add(a.name()));
                for (UseBackendRule r : st.useBackends) {
                    checkBackendRef(s, r.backend(), r.line(), "use_backend", backendNames);
                    if (r.condition() != null) {
                        r.condition().anyOf().stream().flatMap(List::stream).filter(t -> !aclNames.contains(t.acl()))
                                .forEach(t -> diagnostics.error(file, r.line(), "use_backend " + r.backend()
                                        + ": unknown ACL '" + t.acl() + "' (declare it with 'acl' in " + what + ")"));
                        if (st.mode == ProxyMode.TCP) {
                            diagnostics.error(file, r.line(), "use_backend " + r.backend()
                                    + ": conditions on HTTP requests cannot be used in mode tcp");
                        }
                    }
                }
                if (s.kind == ProxySection.Kind.FRONTEND && st.defaultBackend == null && st.useBackends.isEmpty()
                        && !(st.statsEnabled && st.mode == ProxyMode.HTTP)) {
                    diagnostics.warning(file, s.line, what + " has no default_backend nor use_backend: every request gets 503");
                }
            }
            if (s.kind != ProxySection.Kind.FRONTEND) {
                Set<String> cookies = new HashSet<>();
                for (ServerConfig srv : st.servers) {
                    if (srv.cookie() != null && !cookies.add(srv.cookie())) {
                        diagnostics.warning(file, srv.line(), "server " + srv.name() + ": cookie value '" + srv.cookie()
                                + "' is used by another server of " + what);
                    }
                    if (st.cookie != null && srv.cookie() == null) {
                        diagnostics.warning(file, srv.line(), "server " + srv.name() + " has no 'cookie' value: "
                                + "cookie persistence does not apply to it");
                    }
                }
                if (st.mode == ProxyMode.TCP && st.cookie != null) {
                    diagnostics.warning(file, s.line, what + ": cookie persistence needs mode http; ignored");
                    st.cookie = null;
                }
                if (st.mode == ProxyMode.TCP && (st.balance.algorithm() == Balance.Algorithm.URI
                        || st.balance.algorithm() == Balance.Algorithm.HDR)) {
                    diagnostics.error(file, s.line, what + ": balance " + st.balance + " needs mode http");
                }
                if (s.kind == ProxySection.Kind.LISTEN && st.servers.isEmpty() && st.defaultBackend == null
                        && st.useBackends.isEmpty() && !st.statsEnabled) {
                    diagnostics.warning(file, s.line, what + " has no server: every connection is refused with 503");
                }
            }
            if (st.statsEnabled && st.mode == ProxyMode.TCP) {
                diagnostics.warning(file, s.line, what + ": the stats page needs mode http; ignored");
                st.statsEnabled = false;
            }
            HttpCheck check = st.httpCheck == null ? null : new HttpCheck(st.httpCheck.method(), st.httpCheck.uri(),
                    st.httpCheck.version(), st.expectStatus);
            if (check == null && st.expectStatus != 0) {
                diagnostics.warning(file, s.line, what + ": 'http-check expect' without 'option httpchk' has no effect");
            }
            built.add(new ProxySection(s.kind, s.name, file, s.line, st.binds, st.mode,
                    new Timeouts(st.timeoutConnect, st.timeoutClient, st.timeoutServer, st.timeoutCheck, st.timeoutQueue),
                    st.retries, st.redispatchInterval, st.forwardFor ? st.forwardForHeader : null, check, st.balance, st.servers, st.acls,
                    st.useBackends, st.defaultBackend, st.cookie,
                    new StatsConfig(st.statsEnabled, st.statsUri, st.statsCredentials, st.statsRefresh, st.statsRealm),
                    st.maxconn, st.accessLog, st.dontLogNull));
        }
        // mode consistency between a frontend and the backends it can use, as HAProxy requires
        Map<String, ProxySection> byBackendName = new HashMap<>();
        built.stream().filter(ProxySection::isBackend).forEach(b -> byBackendName.putIfAbsent(b.name(), b));
        for (ProxySection fe : built) {
            if (!fe.isFrontend()) {
                continue;
            }
            List<String> targets = new ArrayList<>();
            if (fe.defaultBackend() != null) {
                targets.add(fe.defaultBackend());
            }
            fe.useBackends().forEach(r -> targets.add(r.backend()));
            for (String t : targets) {
                ProxySection be = byBackendName.get(t);
                if (be != null && be.mode() != fe.mode()) {
                    diagnostics.error(file, fe.line(), fe.kind().keyword() + " '" + fe.name() + "' (mode "
                            + fe.mode().name().toLowerCase(Locale.ROOT) + ") cannot use backend '" + t + "' (mode "
                            + be.mode().name().toLowerCase(Locale.ROOT) + ")");
                }
            }
        }
        if (built.stream().noneMatch(ProxySection::isFrontend)) {
            diagnostics.warning(file, 0, "no frontend or listen section: the proxy would listen nowhere");
        }
        return new ProxyConfig(file, global.maxconn, global.nbthread, built);
    }

    private void checkBackendRef(PendingSection s, String name, int line, String keyword, Map<String, PendingSection> backends) {
        if (name != null && !backends.containsKey(name)) {
            diagnostics.error(file, line, keyword + " '" + name + "' in " + s.kind.keyword() + " '" + s.name
                    + "': no such backend");
        }
    }
}
