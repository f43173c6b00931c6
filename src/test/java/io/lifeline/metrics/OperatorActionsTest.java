package io.lifeline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lifeline.config.HttpUsers;
import io.lifeline.config.PasswordHash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status page's operator actions over HTTP on loopback, with a fake operator that records
 * what it was asked to run: a login, then actions that need the session cookie, the CSRF token
 * and the page's own origin; and what is refused.
 */
class OperatorActionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private MetricsEndpoint endpoint;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private void start(boolean withUsers) {
        Optional<HttpUsers> users = withUsers ? Optional.of(new HttpUsers(Path.of("/etc/ha.d/http_users"), Map.of(
                "alice", PasswordHash.create("alice-password".toCharArray(), PasswordHash.MIN_ITERATIONS,
                        new SecureRandom())))) : Optional.empty();
        OperatorActions actions = new OperatorActions(users, (command, args) -> {
            if (args.getOrDefault("group", "").equals("nosuch")) {
                throw new OperatorActions.Refused("rejected", "no group nosuch");
            }
            ran.add(command + " " + args);
            return command + " done";
        }, System::currentTimeMillis);
        StatusPage page = new StatusPage(() -> JsonNodeFactory.instance.objectNode().put("node", "n1"),
                () -> JsonNodeFactory.instance.objectNode(), actions);
        endpoint = MetricsEndpoint.of(Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                () -> new StatusCollector("1.2.3", StatusMetricsTest::cluster, StatusMetricsTest::manager, Map::of),
                () -> page);
        assertTrue(endpoint.start());
    }

    private String origin() {
        return "http://127.0.0.1:" + endpoint.port();
    }

    private HttpResponse<String> post(String path, String body, String origin, String cookie, String csrf)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header(OperatorActions.CSRF_HEADER, csrf);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin() + path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Login(String cookie, String csrf) {
    }

    private Login login() throws Exception {
        HttpResponse<String> r = post("/login", "{\"user\":\"alice\",\"password\":\"alice-password\"}", origin(), null,
                null);
        assertEquals(200, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        return new Login(setCookie.split(";", 2)[0], JSON.readTree(r.body()).path("csrf").asText());
    }

    @Test
    void actionsAreOffWithoutHttpAuth() throws Exception {
        start(false);
        assertEquals("off", JSON.readTree(get("/session.json", null).body()).path("actions").asText());
        HttpResponse<String> r = post("/login", "{\"user\":\"alice\",\"password\":\"x\"}", origin(), null, null);
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("http_auth"), r.body());
        assertEquals(403, post("/action", "{\"action\":\"online\"}", origin(), null, null).statusCode());
        assertTrue(ran.isEmpty());
    }

    @Test
    void aLoggedInOperatorRunsTheFourActions() throws Exception {
        start(true);
        assertEquals("login", JSON.readTree(get("/session.json", null).body()).path("actions").asText());
        Login l = login();
        JsonNode session = JSON.readTree(get("/session.json", l.cookie()).body());
        assertEquals("on", session.path("actions").asText());
        assertEquals(l.csrf(), session.path("csrf").asText());
        for (String body : List.of("{\"action\":\"standby\"}", "{\"action\":\"online\"}",
                "{\"action\":\"failover\",\"group\":\"web\"}", "{\"action\":\"cleanup\",\"group\":\"web\"}")) {
            HttpResponse<String> r = post("/action", body, origin(), l.cookie(), l.csrf());
            assertEquals(200, r.statusCode(), body + ": " + r.body());
        }
        assertEquals(List.of("standby {scope=all}", "online {}", "failover {group=web}", "cleanup {resource=web}"), ran);
        HttpResponse<String> refused = post("/action", "{\"action\":\"failover\",\"group\":\"nosuch\"}", origin(),
                l.cookie(), l.csrf());
        assertEquals(409, refused.statusCode());
        assertTrue(refused.body().contains("no group nosuch"), refused.body());
        assertEquals(400, post("/action", "{\"action\":\"failover\"}", origin(), l.cookie(), l.csrf()).statusCode());
        assertEquals(400, post("/action", "{\"action\":\"maintenance\"}", origin(), l.cookie(), l.csrf()).statusCode());
        assertEquals(200, post("/logout", "{}", origin(), l.cookie(), l.csrf()).statusCode());
        assertEquals(401, post("/action", "{\"action\":\"online\"}", origin(), l.cookie(), l.csrf()).statusCode(),
                "the session ended");
        assertFalse(get("/status.json", l.cookie()).body().contains(l.csrf()), "no secret in /status.json");
    }

    @Test
    void forgedRequestsAreRefused() throws Exception {
        start(true);
        Login l = login();
        String online = "{\"action\":\"online\"}";
        assertEquals(403, post("/action", online, "http://evil.example", l.cookie(), l.csrf()).statusCode(),
                "another origin, even with the cookie and the token");
        assertEquals(403, post("/action", online, null, l.cookie(), l.csrf()).statusCode(), "no Origin");
        assertEquals(403, post("/action", online, origin(), l.cookie(), null).statusCode(), "no CSRF token");
        assertEquals(403, post("/action", online, origin(), l.cookie(), l.csrf() + "x").statusCode(), "a wrong one");
        assertEquals(401, post("/action", online, origin(), null, l.csrf()).statusCode(), "no session cookie");
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(origin() + "/action"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin())
                .header("Cookie", l.cookie()).header(OperatorActions.CSRF_HEADER, l.csrf())
                .POST(HttpRequest.BodyPublishers.ofString("action=online")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, form.statusCode(), "a form post");
        assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(origin() + "/action")).header("Cookie", l.cookie())
                .header(OperatorActions.CSRF_HEADER, l.csrf()).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "GET never acts");
        assertEquals(403, post("/login", "{\"user\":\"alice\",\"password\":\"alice-password\"}", "http://evil.example",
                null, null).statusCode(), "no login from another site either");
        assertTrue(ran.isEmpty(), "nothing ran: " + ran);
    }

    @Test
    void failedLoginsAreThrottled() throws Exception {
        start(true);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            String user = i % 2 == 0 ? "alice" : "mallory"; // an unknown user fails the same way
            assertEquals(403, post("/login", "{\"user\":\"" + user + "\",\"password\":\"guess" + i + "\"}", origin(),
                    null, null).statusCode());
        }
        HttpResponse<String> throttled = post("/login", "{\"user\":\"alice\",\"password\":\"alice-password\"}", origin(),
                null, null);
        assertEquals(429, throttled.statusCode(), "even the right password waits out the window");
        assertEquals("60", throttled.headers().firstValue("Retry-After").orElse(""));
    }
}
