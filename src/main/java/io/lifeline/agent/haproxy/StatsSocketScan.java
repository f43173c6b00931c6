package io.lifeline.agent.haproxy;

import io.lifeline.config.ConfigFileReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the runtime API socket a haproxy configuration declares ({@code stats socket ADDRESS}
 * in the {@code global} section). Only this one directive is read; haproxy itself validates
 * the file. Address forms: {@code /path}, {@code unix@/path}, {@code ipv4@HOST:PORT},
 * {@code ipv6@[HOST]:PORT} and {@code HOST:PORT}. Abstract sockets ({@code abns@}) and
 * addresses with environment variables cannot be reached from here and are skipped.
 */
final class StatsSocketScan {

    private static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen",
            "peers", "resolvers", "userlist", "mailers", "program", "http-errors", "ring", "cache");

    private StatsSocketScan() {
    }

    static Optional<RuntimeApi.Endpoint> find(Path config) throws IOException {
        return find(new String(ConfigFileReader.bytes(config), StandardCharsets.ISO_8859_1));
    }

    static Optional<RuntimeApi.Endpoint> find(String text) {
        boolean inGlobal = false;
        for (String raw : text.split("\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (SECTIONS.contains(words[0])) {
                inGlobal = words[0].equals("global");
                continue;
            }
            if (inGlobal && words.length >= 3 && words[0].equals("stats") && words[1].equals("socket")) {
                Optional<RuntimeApi.Endpoint> endpoint = endpoint(words[2]);
                if (endpoint.isPresent()) {
                    return endpoint;
                }
            }
        }
        return Optional.empty();
    }

    static Optional<RuntimeApi.Endpoint> endpoint(String address) {
        if (address.contains("$")) {
            return Optional.empty();
        }
        if (address.startsWith("/")) {
            return Optional.of(RuntimeApi.Endpoint.unix(Path.of(address)));
        }
        if (address.startsWith("unix@")) {
            return Optional.of(RuntimeApi.Endpoint.unix(Path.of(address.substring(5))));
        }
        String hostPort = address;
        if (address.startsWith("ipv4@") || address.startsWith("ipv6@")) {
            hostPort = address.substring(5);
        } else if (address.contains("@")) {
            return Optional.empty(); // abns@, fd@, sockpair@, udp@...: not a place we can connect to
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.equals("*")) {
            host = "127.0.0.1";
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            return port > 0 && port < 65536 ? Optional.of(RuntimeApi.Endpoint.tcp(host, port)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
