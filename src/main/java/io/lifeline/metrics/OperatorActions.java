package io.lifeline.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.lifeline.config.HttpUsers;
import io.lifeline.config.PasswordHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's operator actions (standby, online, failover GROUP, cleanup GROUP): the
 * commands {@code hactl} sends over the control socket, run by the same handlers (the daemon
 * passes them in as an {@link Operator}). Off unless ha.cf names a users file ({@code http_auth});
 * then {@code /login} opens a session ({@link Sessions}), {@code /session.json} hands the page its
 * CSRF token, {@code /action} runs one command and {@code /logout} ends the session. Every
 * state-changing request must come from the page itself ({@link RequestOrigin}) and carry the
 * session cookie and the CSRF token; failed logins are logged with the peer's address and
 * throttled ({@link LoginThrottle}); each action is logged with the user and address. Nothing of
 * this appears in /status.json.
 */
public final class OperatorActions {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorActions.class);
    static final String COOKIE = "lifeline_session";
    static final String CSRF_HEADER = "X-Lifeline-CSRF";
    static final Set<String> PATHS = Set.of("/session.json", "/login", "/logout", "/action");
    private static final int MAX_BODY = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs one control command the way the control socket would; the manager's answer or a refusal. */
    @FunctionalInterface
    public interface Operator {
        /**
         * @param command a control command: standby, online, failover, cleanup
         * @param args    its arguments, as hactl sends them
         * @return the manager's message
         */
        String run(String command, Map<String, String> args) throws Refused;
    }

    /** A command refused: bad arguments, the manager said no, or it did not answer in time. */
    public static final class Refused extends Exception {
        private final String code;

        public Refused(String code, String message) {
            super(message);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    private final Optional<HttpUsers> users;
    private final Operator operator;
    private final Sessions sessions;
    private final LoginThrottle throttle = new LoginThrottle();
    private final LongSupplier clockMs;
    /** Verified for an unknown user, so "no such user" takes as long as "wrong password". */
    private final PasswordHash decoy;

    /**
     * @param users    the users file's content; empty for actions off
     * @param operator runs the commands
     * @param clockMs  a monotonic millisecond clock
     */
    public OperatorActions(Optional<HttpUsers> users, Operator operator, LongSupplier clockMs) {
        this.users = users;
        this.operator = operator;
        this.clockMs = clockMs;
        SecureRandom random = new SecureRandom();
        this.sessions = new Sessions(random);
        int iterations = users.flatMap(u -> u.users().values().stream().findFirst())
                .map(PasswordHash::iterations).orElse(PasswordHash.MIN_ITERATIONS);
        this.decoy = users.isEmpty() ? null : PasswordHash.create("decoy".toCharArray(), iterations, random);
    }

    /** Actions off: the page stays read-only. */
    public static OperatorActions off() {
        return new OperatorActions(Optional.empty(), (c, a) -> {
            throw new Refused("off", "operator actions are off");
        }, System::currentTimeMillis);
    }

    /** Answers the request if its path is one of the actions'; false otherwise (then nothing was sent). */
    boolean handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!PATHS.contains(path)) {
            return false;
        }
        if (path.equals("/session.json")) {
            session(exchange);
            return true;
        }
        if (users.isEmpty()) {
            reply(exchange, 403, error("operator actions are off: ha.cf has no http_auth"));
            return true;
        }
        String peer = exchange.getRemoteAddress().getAddress().getHostAddress();
        var h = exchange.getRequestHeaders();
        Optional<String> crossSite = RequestOrigin.refusal(exchange.getRequestMethod(), h.getFirst("Content-Type"),
                h.getFirst("Origin"), h.getFirst("Sec-Fetch-Site"), h.getFirst("Host"));
        if (crossSite.isPresent()) {
            LOG.warn("status page: refused {} from {}: {}", path, peer, printable(crossSite.get(), 200));
            reply(exchange, 403, error("refused: " + crossSite.get()));
            return true;
        }
        JsonNode body = body(exchange);
        if (body == null) {
            reply(exchange, 400, error("the body must be a JSON object of at most " + MAX_BODY + " bytes"));
            return true;
        }
        switch (path) {
            case "/login" -> login(exchange, peer, body);
            case "/logout" -> logout(exchange, peer);
            default -> action(exchange, peer, body);
        }
        return true;
    }

    private void session(HttpExchange exchange) throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        if (users.isEmpty()) {
            doc.put("actions", "off");
        } else {
            Optional<Sessions.Session> s = sessions.find(cookie(exchange), clockMs.getAsLong());
            doc.put("actions", s.isPresent() ? "on" : "login");
            s.ifPresent(x -> doc.put("user", x.user()).put("csrf", x.csrf()));
        }
        reply(exchange, 200, doc);
    }

    private void login(HttpExchange exchange, String peer, JsonNode body) throws IOException {
        long now = clockMs.getAsLong();
        if (!throttle.allowed(peer, now)) {
            if (throttle.logThrottled(peer)) {
                LOG.warn("status page: too many failed logins from {}: refusing its logins for up to {} s", peer,
                        LoginThrottle.WINDOW_MS / 1000);
            }
            exchange.getResponseHeaders().set("Retry-After", Long.toString(LoginThrottle.WINDOW_MS / 1000));
            reply(exchange, 429, error("too many failed logins; try again in a minute"));
            return;
        }
        String user = body.path("user").asText("");
        char[] password = body.path("password").asText("").toCharArray();
        Optional<PasswordHash> hash = users.get().hashOf(user);
        boolean ok;
        if (hash.isPresent()) {
            ok = hash.get().matches(password);
        } else {
            decoy.matches(password); // the same work as for a known user: timing tells no names
            ok = false;
        }
        java.util.Arrays.fill(password, '\0');
        if (!ok) {
            throttle.failed(peer, now);
            LOG.warn("status page: failed login from {} as '{}'", peer, printable(user));
            reply(exchange, 403, error("wrong user or password"));
            return;
        }
        throttle.succeeded(peer);
        Sessions.Issued issued = sessions.create(user, now);
        LOG.info("status page: {} logged in from {}", user, peer);
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + issued.token()
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + Sessions.MAX_AGE_MS / 1000);
        reply(exchange, 200, JSON.createObjectNode().put("actions", "on").put("user", user).put("csrf", issued.csrf()));
    }

    private Optional<Sessions.Session> authorised(HttpExchange exchange, String peer, String what) throws IOException {
        Optional<Sessions.Session> s = sessions.find(cookie(exchange), clockMs.getAsLong());
        if (s.isEmpty()) {
            LOG.warn("status page: {} from {} without a valid session", what, peer);
            reply(exchange, 401, error("log in first (or again: the session expired)"));
            return Optional.empty();
        }
        if (!Sessions.csrfMatches(s.get(), exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
            LOG.warn("status page: {} from {} (session of {}) without the right CSRF token", what, peer, s.get().user());
            reply(exchange, 403, error("refused: missing or wrong " + CSRF_HEADER + " header"));
            return Optional.empty();
        }
        return s;
    }

    private void logout(HttpExchange exchange, String peer) throws IOException {
        if (authorised(exchange, peer, "logout").isEmpty()) {
            return;
        }
        sessions.remove(cookie(exchange));
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        reply(exchange, 200, JSON.createObjectNode().put("actions", "login"));
    }

    private void action(HttpExchange exchange, String peer, JsonNode body) throws IOException {
        Optional<Sessions.Session> s = authorised(exchange, peer, "an action");
        if (s.isEmpty()) {
            return;
        }
        String action = body.path("action").asText("");
        String group = body.path("group").asText("").strip();
        Map<String, String> args = new LinkedHashMap<>();
        String command;
        switch (action) {
            case "standby" -> {
                command = "standby";
                args.put("scope", "all");
            }
            case "online" -> command = "online";
            case "failover", "cleanup" -> {
                if (group.isEmpty()) {
                    reply(exchange, 400, error(action + ": which group?"));
                    return;
                }
                command = action;
                args.put(action.equals("failover") ? "group" : "resource", group);
            }
            default -> {
                reply(exchange, 400, error("unknown action '" + printable(action)
                        + "': standby, online, failover or cleanup"));
                return;
            }
        }
        String what = action + (group.isEmpty() ? "" : " " + printable(group)); // the log gets no control characters
        try {
            String message = operator.run(command, args);
            LOG.info("status page: {} (from {}) ran {}: {}", s.get().user(), peer, what, message);
            reply(exchange, 200, JSON.createObjectNode().put("message", message));
        } catch (Refused e) {
            LOG.info("status page: {} (from {}) ran {}: refused: {}", s.get().user(), peer, what, e.getMessage());
            int code = switch (e.code()) {
                case "bad_args" -> 400;
                case "busy" -> 503;
                default -> 409;
            };
            reply(exchange, code, error(e.getMessage()));
        }
    }

    /** The session cookie's value, or null. */
    private static String cookie(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                return null;
            }
            JsonNode node = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** A user-supplied word for the log: at most 64 printable ASCII characters. */
    private static String printable(String s) {
        return printable(s, 64);
    }

    /** Text that quotes request headers, for the log: printable ASCII only, at most {@code max} characters. */
    private static String printable(String s, int max) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > max ? clean.substring(0, max) + "..." : clean;
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void reply(HttpExchange exchange, int code, JsonNode doc) throws IOException {
        StatusPage.send(exchange, code, "application/json", doc.toString().getBytes(StandardCharsets.UTF_8));
    }
}
