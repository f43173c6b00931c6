package io.lifeline.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A throw-away nginx configuration for integration tests: loopback only, an ephemeral port,
 * and every path (pid, logs, temp dirs) inside one temporary directory, so nothing touches the
 * system's nginx. {@link #killAll()} ends the master and workers the test started, by PID.
 */
final class NginxTestServer {

    static final Path NGINX = Path.of("/usr/sbin/nginx");

    final Path dir;
    final Path config;
    final Path pidFile;
    final int port;
    private final List<Long> seenPids = new ArrayList<>();

    NginxTestServer(Path dir) throws IOException {
        this.dir = dir;
        this.port = freeLoopbackPort();
        this.config = dir.resolve("nginx.conf");
        this.pidFile = dir.resolve("nginx.pid");
        Files.writeString(config, """
                # written by a Lifeline integration test
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                worker_processes 1;
                events { worker_connections 64; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location = /health { return 200 "ok\\n"; }
                        location = /broken { return 503; }
                        location = /nginx_status { stub_status; }
                        location / { return 200 "lifeline test\\n"; }
                    }
                }
                """.formatted(dir, port));
    }

    /** Picks a port the kernel considers free right now (the small race is fine for tests). */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The master's PID from the pid file, remembering it and its workers for cleanup. */
    OptionalLong masterPid() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            remember(pid);
            return OptionalLong.of(pid);
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private synchronized void remember(long master) {
        seenPids.add(master);
        ProcessHandle.of(master).ifPresent(h -> h.children().forEach(c -> seenPids.add(c.pid())));
    }

    /** HTTP status of a GET, or -1 when nothing answers. */
    int get(String path) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(3)).build();
            return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Ends every nginx process of this test still alive (workers outlive a SIGKILLed master). */
    synchronized void killAll() {
        masterPid();
        for (long pid : seenPids) {
            // the whole tree and the process group (nginx's master leads its own): a worker forked
            // after it was last seen is ended too
            ProcessHandle.of(pid).ifPresent(io.lifeline.lab.ProcessTrees::kill);
            io.lifeline.lab.ProcessTrees.killGroup(pid); // also when the master itself is already gone
        }
    }
}
