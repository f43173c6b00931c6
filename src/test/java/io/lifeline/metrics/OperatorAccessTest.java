package io.lifeline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decisions behind the status page's operator actions: same origin, sessions and CSRF tokens, login throttling. */
class OperatorAccessTest {

    private static final String HOST = "127.0.0.1:9694";

    private static Optional<String> post(String type, String origin, String site) {
        return RequestOrigin.refusal("POST", type, origin, site, HOST);
    }

    @Test
    void aJsonPostFromThePageItselfIsAllowed() {
        assertEquals(Optional.empty(), post("application/json", "http://127.0.0.1:9694", "same-origin"));
        assertEquals(Optional.empty(), post("application/json; charset=UTF-8", "http://127.0.0.1:9694", null),
                "browsers without Sec-Fetch-Site still send Origin");
        assertEquals(Optional.empty(), post("application/json", "https://127.0.0.1:9694", "same-origin"),
                "behind a TLS reverse proxy that keeps the Host");
    }

    @Test
    void crossSiteAndNonBrowserShapedRequestsAreRefused() {
        assertTrue(RequestOrigin.refusal("GET", "application/json", "http://127.0.0.1:9694", "same-origin", HOST)
                .orElseThrow().contains("POST"));
        assertTrue(post("application/x-www-form-urlencoded", "http://127.0.0.1:9694", "same-origin").orElseThrow()
                .contains("application/json"), "an HTML form of another site");
        assertTrue(post("text/plain", "http://127.0.0.1:9694", "same-origin").isPresent(), "a no-cors fetch");
        assertTrue(post("application/json", "http://evil.example", "cross-site").orElseThrow().contains("cross-site"));
        assertTrue(post("application/json", "http://evil.example", null).orElseThrow().contains("evil.example"));
        assertTrue(post("application/json", "http://127.0.0.1:9694", "same-site").isPresent(),
                "a sibling origin of the same site");
        assertTrue(post("application/json", null, "same-origin").orElseThrow().contains("Origin"));
        assertTrue(post("application/json", "null", null).isPresent(), "a sandboxed frame's opaque origin");
        assertTrue(RequestOrigin.refusal("POST", "application/json", "http://127.0.0.1:9694", null, null).isPresent());
        // DNS rebinding: the attacker's name resolves here, Origin and Host agree, but the cookie is
        // bound to the real host name and does not come along; the origin check alone passes
        assertEquals(Optional.empty(), RequestOrigin.refusal("POST", "application/json", "http://evil.example:9694",
                "same-origin", "evil.example:9694"));
    }

    @Test
    void aSessionNeedsItsCookieAndItsOwnCsrfToken() {
        Sessions sessions = new Sessions(new SecureRandom());
        Sessions.Issued a = sessions.create("alice", 0);
        Sessions.Issued b = sessions.create("bob", 0);
        assertNotEquals(a.token(), a.csrf(), "two independent values");
        Sessions.Session sa = sessions.find(a.token(), 1000).orElseThrow();
        assertEquals("alice", sa.user());
        assertTrue(Sessions.csrfMatches(sa, a.csrf()));
        assertFalse(Sessions.csrfMatches(sa, b.csrf()), "another session's token");
        assertFalse(Sessions.csrfMatches(sa, null));
        assertFalse(Sessions.csrfMatches(sa, ""));
        assertFalse(Sessions.csrfMatches(sa, a.csrf().substring(1)));
        assertTrue(sessions.find(a.csrf(), 1000).isEmpty(), "the CSRF token is not a session token");
        assertTrue(sessions.find("", 1000).isEmpty());
        assertTrue(sessions.find(null, 1000).isEmpty());
        sessions.remove(b.token());
        assertTrue(sessions.find(b.token(), 1000).isEmpty(), "logged out");
        assertFalse(a.toString().contains(a.token()), "tokens stay out of logs");
    }

    @Test
    void sessionsExpireWhenIdleOrOldAndAreBounded() {
        Sessions sessions = new Sessions(new SecureRandom());
        Sessions.Issued s = sessions.create("alice", 0);
        long t = 0;
        // used every 20 minutes: the idle limit never hits, the absolute one does
        while (t + 20 * 60_000L < Sessions.MAX_AGE_MS) {
            t += 20 * 60_000L;
            assertTrue(sessions.find(s.token(), t).isPresent(), "alive at " + t);
        }
        assertTrue(sessions.find(s.token(), Sessions.MAX_AGE_MS).isEmpty(), "at most MAX_AGE after the login");
        Sessions.Issued idle = sessions.create("bob", 0);
        assertTrue(sessions.find(idle.token(), Sessions.IDLE_MS).isEmpty(), "idle too long");

        Sessions many = new Sessions(new SecureRandom());
        Sessions.Issued first = many.create("u", 0);
        for (int i = 0; i < Sessions.MAX_SESSIONS; i++) {
            many.create("u" + i, 1);
        }
        assertEquals(Sessions.MAX_SESSIONS, many.size());
        assertTrue(many.find(first.token(), 2).isEmpty(), "the oldest made room");
    }

    @Test
    void failedLoginsAreThrottledPerAddressAndOverall() {
        LoginThrottle t = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            assertTrue(t.allowed("198.51.100.7", i));
            t.failed("198.51.100.7", i);
        }
        assertFalse(t.allowed("198.51.100.7", 10), "five failures: throttled");
        assertTrue(t.logThrottled("198.51.100.7"), "the start of the throttling is logged");
        assertFalse(t.logThrottled("198.51.100.7"), "once");
        assertTrue(t.allowed("198.51.100.8", 10), "other addresses are not affected");
        assertTrue(t.allowed("198.51.100.7", LoginThrottle.WINDOW_MS), "the oldest failure aged out");
        t.failed("198.51.100.7", LoginThrottle.WINDOW_MS);
        assertTrue(t.allowed("198.51.100.8", LoginThrottle.WINDOW_MS));

        LoginThrottle ok = new LoginThrottle();
        ok.failed("a", 0);
        ok.succeeded("a");
        for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
            ok.failed("a", 1);
        }
        assertTrue(ok.allowed("a", 2), "a success forgets the earlier typo");

        LoginThrottle spread = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES_ALL; i++) {
            spread.failed("203.0.113." + i, 0);
        }
        assertFalse(spread.allowed("203.0.113.200", 1), "many addresses together hit the overall cap");
        assertTrue(spread.logThrottled("203.0.113.200"));
        assertFalse(spread.logThrottled("203.0.113.201"), "the overall cap is logged once");
        assertTrue(spread.allowed("203.0.113.200", LoginThrottle.WINDOW_MS));
    }
}
