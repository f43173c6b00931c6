package io.lifeline.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of request-smuggling and framing cases sent, one connection each, to the built-in
 * proxy and to the real HAProxy in front of the same recording server; both answers are
 * printed side by side and the built-in proxy must give the expected one (HAProxy's, where the
 * two are meant to agree). What the server received is counted too: a case that smuggles
 * shows up as more request heads at the server than the client meant to send.
 */
class SmugglingCorpusIT {

    /**
     * One case of {@code smuggling-corpus.txt}: a raw request, what the proxy must answer,
     * how many heads may reach the server (-1: any), and why HAProxy 2.6 answers otherwise
     * (null where the two agree).
     */
    record Case(String name, byte[] request, int status, int heads, String haproxyDiffers) {
    }

    /** What one proxy did with one case: the first status (-1: closed without one) and the server's heads. */
    record Outcome(int status, int heads, long millis) {
        @Override
        public String toString() {
            return (status < 0 ? "closed" : Integer.toString(status)) + "/" + heads;
        }
    }

    static final String CORPUS = "smuggling-corpus.txt";

    static List<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = SmugglingCorpusIT.class.getResourceAsStream(CORPUS)) {
            assertNotNull(in, CORPUS);
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String where = CORPUS + ":" + (i + 1);
                String[] f = line.split(" \\| ", -1);
                if (f.length < 4 || f.length > 5) {
                    throw new IllegalArgumentException(where + ": expected 4 or 5 fields split by ' | ', got " + f.length);
                }
                int status = f[1].equals("closed") ? -1 : Integer.parseInt(f[1]);
                int heads = f[2].equals("*") ? -1 : Integer.parseInt(f[2]);
                cases.add(new Case(f[0], unescape(f[3], where), status, heads, f.length == 5 ? f[4] : null));
            }
        }
        return cases;
    }

    /** The corpus's escapes: \r \n \t \0 \xHH \\ and \|; every other byte as it is (ISO-8859-1). */
    static byte[] unescape(String s, String where) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.write(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IllegalArgumentException(where + ": a backslash ends the request");
            }
            switch (s.charAt(i)) {
                case 'r' -> b.write('\r');
                case 'n' -> b.write('\n');
                case 't' -> b.write('\t');
                case '0' -> b.write(0);
                case '\\' -> b.write('\\');
                case '|' -> b.write('|');
                case 'x' -> {
                    if (i + 2 >= s.length()) {
                        throw new IllegalArgumentException(where + ": \\x needs two hex digits");
                    }
                    b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException(where + ": unknown escape \\" + s.charAt(i));
            }
        }
        return b.toByteArray();
    }

    @Test
    void builtInProxyAndHaproxyAnswerTheCorpus(@TempDir Path dir) throws Exception {
        assumeTrue(RealHaproxy.installed(), "haproxy is installed by bin/setup-host");
        try (RecordingServer server = new RecordingServer()) {
            String config = """
                    defaults
                        mode http
                        timeout connect 1s
                        timeout client 3s
                        timeout server 3s
                        timeout http-request 3s
                    frontend web
                        bind 127.0.0.1:%d
                        default_backend app
                    backend app
                        server s
                    """.replace("server s", "server s " + server.address());
            try (RealHaproxy haproxy = new RealHaproxy(config, dir);
                 ProxyHarness builtIn = new ProxyHarness(config.formatted(0))) {
                InetSocketAddress haproxyAddress = haproxy.address;
                StringBuilder table = new StringBuilder("| case | built-in | HAProxy " + RealHaproxy.version()
                        + " | why they differ |\n| --- | --- | --- | --- |\n");
                List<String> wrong = new ArrayList<>();
                for (Case k : corpus()) {
                    Outcome ours = run(builtIn.address("web"), server, k);
                    Outcome theirs = run(haproxyAddress, server, k);
                    table.append("| ").append(k.name()).append(" | ").append(ours).append(" | ").append(theirs).append(" | ")
                            .append(k.haproxyDiffers() == null ? "" : k.haproxyDiffers()).append(" |\n");
                    if (!meets(ours, k)) {
                        wrong.add("built-in proxy, " + k.name() + ": " + ours + ", expected " + k.status() + "/" + k.heads());
                    }
                    boolean differs = k.haproxyDiffers() != null;
                    if (meets(theirs, k) == differs) {
                        wrong.add("HAProxy, " + k.name() + ": " + theirs + (differs
                                ? ", listed as differing but now agrees" : ", expected " + k.status() + "/" + k.heads()));
                    }
                    if (k.status() == 400 && ours.millis() >= 2_000) {
                        wrong.add("built-in proxy, " + k.name() + ": answered after " + ours.millis()
                                + " ms, not at once (a timeout, not the rule)");
                    }
                }
                System.out.print(table);
                // the table for docs/proxy.md (status/heads the server saw), from the last run
                Files.writeString(Path.of("target", "smuggling-corpus.md"), table);
                assertEquals(List.of(), wrong, table.toString());
            }
        }
    }

    /** The status must match; the heads too, unless the case leaves them open (-1: the body may be cut anywhere). */
    private static boolean meets(Outcome o, Case k) {
        return o.status() == k.status() && (k.heads() < 0 || o.heads() == k.heads());
    }

    private static Outcome run(InetSocketAddress proxy, RecordingServer server, Case k) throws IOException {
        int before = server.heads.get();
        long start = System.nanoTime();
        int status;
        try (Socket s = new Socket()) {
            s.connect(proxy, 2000);
            s.setSoTimeout(4000);
            s.getOutputStream().write(k.request());
            status = readStatus(s.getInputStream());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // the server's count settles once the proxy has forwarded what it will forward
        int expected = k.heads() < 0 ? 0 : k.heads();
        try {
            await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2))
                    .until(() -> server.heads.get() - before >= expected);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported through the outcome below
        }
        return new Outcome(status, server.heads.get() - before, millis);
    }

    private static int readStatus(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.write(c);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            return -1;
        }
        String l = line.toString(StandardCharsets.ISO_8859_1);
        return l.startsWith("HTTP/1.") && l.length() >= 12 ? Integer.parseInt(l.substring(9, 12)) : -1;
    }

    /** Answers every request head it sees with a 200 and counts them. */
    private static final class RecordingServer implements AutoCloseable {
        // not anchored at a line start: on a reused connection a request follows the previous
        // body directly ("abcGET / HTTP/1.1"), and a smuggled one may be glued to a body too
        private static final Pattern REQUEST_LINE = Pattern.compile("(?m)[A-Z]+ \\S+ HTTP/1\\.[01]\\r?$");
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger heads = new AtomicInteger();

        RecordingServer() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        Thread t = new Thread(() -> serve(s), "corpus-server-conn");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "corpus-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                StringBuilder seen = new StringBuilder();
                int counted = 0;
                byte[] b = new byte[4096];
                int n;
                while ((n = in.read(b)) > 0) {
                    seen.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                    Matcher m = REQUEST_LINE.matcher(seen);
                    int found = 0;
                    while (m.find()) {
                        found++;
                    }
                    for (; counted < found; counted++) {
                        heads.incrementAndGet();
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                .getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
            } catch (IOException e) {
                // the proxy closed or timed out: nothing to record
            }
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
