package io.lifeline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lifeline.agent.OcfStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint over HTTP on loopback: formats by Accept header, the off switch, a port in use. */
class MetricsEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsEndpoint endpoint;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** What the fake daemon's status source does: answer this document, or time out when it is null. */
    private volatile JsonNode statusDoc = JsonNodeFactory.instance.objectNode().put("node", "n1");

    private StatusPage page() {
        return new StatusPage(() -> {
            if (statusDoc == null) {
                throw new TimeoutException("busy");
            }
            return statusDoc;
        }, () -> JsonNodeFactory.instance.objectNode().set("events", JsonNodeFactory.instance.arrayNode()));
    }

    private MetricsEndpoint start(int port) {
        endpoint = MetricsEndpoint.of(Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
                () -> new StatusCollector("1.2.3", StatusMetricsTest::cluster, StatusMetricsTest::manager, Map::of),
                this::page);
        return endpoint;
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheTextFormatByDefaultAndOpenMetricsWhenAskedFor() throws Exception {
        assertTrue(start(0).start());
        endpoint.actionDone("web", "IPaddr2::198.51.100.100", "start", OcfStatus.SUCCESS, 1_000_000);

        HttpResponse<String> text = get("/metrics", null);
        assertEquals(200, text.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.headers().firstValue("Content-Type").orElse(""));
        Map<String, PromText.Family> f = PromText.parse(text.body());
        assertEquals(Optional.of(1.0), PromText.value(f, "lifeline_group_phase", "group", "web", "phase", "running"));
        assertEquals(Optional.of(1.0), PromText.value(f, "lifeline_resource_action_duration_seconds_count",
                "group", "web", "resource", "IPaddr2::198.51.100.100", "action", "start"));

        HttpResponse<String> om = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(om.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");

        // what Prometheus asks for when it scrapes native histograms
        HttpResponse<String> pb = get("/metrics",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
        assertEquals(200, pb.statusCode());
        assertTrue(pb.headers().firstValue("Content-Type").orElse("").startsWith("application/vnd.google.protobuf"));
    }

    @Test
    void theRootIsTheStatusPageAndOtherPathsAreNotFound() throws Exception {
        assertTrue(start(0).start());
        HttpResponse<String> root = get("/", null);
        assertEquals(200, root.statusCode());
        assertEquals("text/html; charset=utf-8", root.headers().firstValue("Content-Type").orElse(""));
        assertTrue(root.body().contains("<script src=\"/status.js\"></script>"), root.body());
        assertTrue(root.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"),
                "nothing but the page's own script runs");
        assertEquals(200, get("/status.js", null).statusCode());
        assertEquals(200, get("/status.css", null).statusCode());
        assertEquals(404, get("/favicon.ico", null).statusCode());
        assertEquals(200, get("/-/healthy", null).statusCode());
    }

    @Test
    void statusJsonIsTheStatusDocumentAndABusyDaemonIs503() throws Exception {
        assertTrue(start(0).start());
        HttpResponse<String> status = get("/status.json", null);
        assertEquals(200, status.statusCode());
        assertEquals("application/json", status.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-store", status.headers().firstValue("Cache-Control").orElse(""), "a live page never reads a cached status");
        assertEquals("{\"node\":\"n1\"}", status.body());
        assertEquals("{\"events\":[]}", get("/events.json", null).body());
        statusDoc = null;
        HttpResponse<String> busy = get("/status.json", null);
        assertEquals(503, busy.statusCode());
        assertEquals("the daemon did not answer in time\n", busy.body());
    }

    @Test
    void withoutHttpListenNothingListens() {
        endpoint = MetricsEndpoint.of(Optional.empty(), () -> {
            throw new AssertionError("no collector is made when metrics are off");
        }, () -> {
            throw new AssertionError("no status page is made when http_listen is off");
        });
        assertTrue(endpoint.start());
        assertEquals(-1, endpoint.port());
        endpoint.actionDone("web", "x", "start", OcfStatus.SUCCESS, 1); // ignored, no failure
    }

    @Test
    void aPortInUseIsLoggedAndTheDaemonRunsOnWithoutMetrics() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertFalse(start(taken.getLocalPort()).start());
            assertEquals(-1, endpoint.port());
        }
    }
}
