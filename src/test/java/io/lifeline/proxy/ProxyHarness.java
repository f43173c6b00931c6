package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.lifeline.config.Diagnostics;
import io.lifeline.proxy.config.ProxyConfig;
import io.lifeline.proxy.config.ProxyConfigParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Starts a proxy from configuration text (bind ports 0) and finds where it listens. */
final class ProxyHarness implements AutoCloseable {

    final ProxyServer proxy;

    ProxyHarness(String configText) throws IOException {
        Diagnostics d = new Diagnostics();
        ProxyConfig config = ProxyConfigParser.parseText(Path.of("test.cfg"), configText, d);
        assertFalse(d.hasErrors(), () -> d.problems().toString());
        assertNotNull(config);
        proxy = ProxyServer.start(config);
    }

    InetSocketAddress address(String frontend) {
        return proxy.boundAddresses(frontend).get(0);
    }

    int port(String frontend) {
        return address(frontend).getPort();
    }

    String url(String frontend, String path) {
        return "http://127.0.0.1:" + port(frontend) + path;
    }

    @Override
    public void close() {
        proxy.stop(Duration.ofSeconds(2));
    }
}
