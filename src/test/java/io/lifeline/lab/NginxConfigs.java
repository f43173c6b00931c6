package io.lifeline.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throw-away nginx configuration for tests: one worker, and every file nginx keeps (pid,
 * error log, temp dirs) inside {@code dir}, so nothing touches the system's nginx.
 */
public final class NginxConfigs {

    private NginxConfigs() {
    }

    /**
     * Writes {@code dir/nginx.conf} with {@code server} (one or more {@code server {...}} blocks)
     * in its http block, and returns its path; nginx writes its pid to {@link #pidFile(Path)}.
     */
    public static Path write(Path dir, String server) throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                worker_processes 1;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %2$s}
                """.formatted(dir, server.indent(4)));
        return conf;
    }

    public static Path pidFile(Path dir) {
        return dir.resolve("nginx.pid");
    }
}
