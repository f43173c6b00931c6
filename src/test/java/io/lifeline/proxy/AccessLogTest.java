package io.lifeline.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * option httplog / option tcplog: one line per request or session in HAProxy's formats, read
 * from the access logger while real requests go through the proxy on loopback.
 */
class AccessLogTest {

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger access = (Logger) org.slf4j.LoggerFactory.getLogger("io.lifeline.proxy.access");

    @BeforeEach
    void capture() {
        lines.start();
        access.addAppender(lines);
    }

    @AfterEach
    void release() {
        access.detachAppender(lines);
    }

    private List<String> logged() {
        synchronized (lines.list) {
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static final String HTTPLOG = "^127\\.0\\.0\\.1:\\d+ \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] ";

    @Test
    void httplogWritesOneLinePerRequestInHaproxyFormat() throws Exception {
        try (TestBackend a = new TestBackend("a");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         option httplog
                         timeout connect 2s
                         timeout client 10s
                         timeout server 10s
                     frontend web
                         bind 127.0.0.1:0
                         use_backend app if { path_beg /app }
                     backend app
                         server a %s
                     """.formatted(a.address()))) {
            try (RawHttp c = new RawHttp(p.address("web"))) {
                c.send("GET /app/x?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(200, c.read().status());
                c.send("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertEquals(503, c.read().status());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> logged().size() >= 2);
            List<String> l = logged();
            assertTrue(Pattern.compile(HTTPLOG + "web app/a \\d+/\\d+/\\d+/\\d+/\\d+ 200 \\d+ - - ---- \\d+/\\d+/\\d+/\\d+/0 0/0 "
                    + "\"GET /app/x\\?q=1 HTTP/1\\.1\"$").matcher(l.get(0)).matches(), l.get(0));
            assertTrue(Pattern.compile(HTTPLOG + "web web/<NOSRV> \\d+/-1/-1/-1/\\d+ 503 \\d+ - - PR-- \\d+/\\d+/0/0/0 0/0 "
                    + "\"GET /nowhere HTTP/1\\.1\"$").matcher(l.get(1)).matches(), l.get(1));
        }
    }

    @Test
    void withoutTheOptionNothingIsLogged() throws Exception {
        try (TestBackend a = new TestBackend("a");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode http
                         timeout connect 2s
                         timeout client 10s
                         timeout server 10s
                     frontend web
                         bind 127.0.0.1:0
                         default_backend app
                     backend app
                         server a %s
                     """.formatted(a.address()))) {
            try (RawHttp c = new RawHttp(p.address("web"))) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertEquals(200, c.read().status());
            }
            assertEquals(List.of(), logged());
        }
    }

    @Test
    void tcplogWritesOneLinePerSessionAndDontlognullSkipsSilentOnes() throws Exception {
        try (TestBackend a = new TestBackend("a");
             ProxyHarness p = new ProxyHarness("""
                     defaults
                         mode tcp
                         option tcplog
                         option dontlognull
                         timeout connect 2s
                         timeout client 10s
                         timeout server 10s
                     listen db
                         bind 127.0.0.1:0
                         server a %s
                     """.formatted(a.address()))) {
            InetSocketAddress to = p.address("db");
            try (Socket silent = new Socket(to.getAddress(), to.getPort())) {
                silent.getOutputStream().flush(); // connects and sends nothing
            }
            try (Socket s = new Socket(to.getAddress(), to.getPort())) {
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !logged().isEmpty());
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> logged().size() == 1);
            String line = logged().get(0);
            assertTrue(Pattern.compile(HTTPLOG + "db db/a \\d+/\\d+/\\d+ [1-9]\\d* ---- \\d+/\\d+/\\d+/\\d+/0 0/0$")
                    .matcher(line).matches(), line);
        }
    }

    @Test
    void controlBytesQuotesAndHashesInTheRequestLineAreEscapedAsHaproxyDoes() {
        assertEquals("GET /a#22b#0A#23 HTTP/1.1", AccessLog.printable("GET /a\"b\n# HTTP/1.1"));
    }
}
