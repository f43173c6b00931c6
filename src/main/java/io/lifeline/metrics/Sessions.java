package io.lifeline.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The status page's open logins. A login gets two random 256-bit values: the login cookie's
 * token, which lives only in an HttpOnly, SameSite=Strict cookie (no script, not even the
 * page's, can read it, and browsers do not send it on cross-site requests), and the CSRF token,
 * which the page reads from {@code /session.json} and sends back in a header with each action.
 * Only SHA-256 digests of the session tokens are kept, so the lookup by token reveals nothing by
 * its timing and a heap dump holds no usable cookie; the CSRF token is compared in constant time.
 * A session ends after {@link #IDLE_MS} without an action or poll, or {@link #MAX_AGE_MS} after
 * the login, or at logout; at most {@link #MAX_SESSIONS} live at once (the oldest goes).
 */
final class Sessions {

    static final long IDLE_MS = 30 * 60_000L;
    static final long MAX_AGE_MS = 8 * 3600_000L;
    static final int MAX_SESSIONS = 32;

    /** What a login hands out: the cookie's value and the header's. */
    record Issued(String token, String csrf) {
        @Override
        public String toString() {
            return "Issued[...]"; // never a token into a log
        }
    }

    /** A live session: who logged in, and the token their actions must carry. */
    record Session(String user, String csrf, long createdMs, long lastUsedMs) {
        @Override
        public String toString() {
            return "Session[" + user + "]";
        }
    }

    private final SecureRandom random;
    private final Map<String, Session> byDigest = new LinkedHashMap<>();

    Sessions(SecureRandom random) {
        this.random = random;
    }

    synchronized Issued create(String user, long nowMs) {
        expire(nowMs);
        if (byDigest.size() >= MAX_SESSIONS) {
            byDigest.remove(byDigest.keySet().iterator().next());
        }
        Issued issued = new Issued(randomToken(), randomToken());
        byDigest.put(digest(issued.token()), new Session(user, issued.csrf(), nowMs, nowMs));
        return issued;
    }

    /** The live session of the cookie's {@code token}, touched (its idle time starts again). */
    synchronized Optional<Session> find(String token, long nowMs) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        expire(nowMs);
        String key = digest(token);
        Session s = byDigest.get(key);
        if (s == null) {
            return Optional.empty();
        }
        Session touched = new Session(s.user(), s.csrf(), s.createdMs(), nowMs);
        byDigest.put(key, touched);
        return Optional.of(touched);
    }

    /** Whether {@code sent} is the session's CSRF token; constant time, whatever the strings. */
    static boolean csrfMatches(Session session, String sent) {
        return sent != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8),
                sent.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void remove(String token) {
        if (token != null) {
            byDigest.remove(digest(token));
        }
    }

    synchronized int size() {
        return byDigest.size();
    }

    private void expire(long nowMs) {
        byDigest.values().removeIf(s -> nowMs - s.lastUsedMs() >= IDLE_MS || nowMs - s.createdMs() >= MAX_AGE_MS);
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
