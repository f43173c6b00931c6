package io.lifeline.ipvs.config;

import io.lifeline.ipvs.kernel.Endpoint;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One health checker of a real server, with its timing already resolved from the levels above it. */
public sealed interface CheckSpec {

    /** keepalived's block name: TCP_CHECK, HTTP_GET, MISC_CHECK. */
    String kind();

    CheckTiming timing();

    /** Line of the checker's block in the file. */
    int line();

    /** TCP_CHECK: a TCP connection to the target succeeds within the connect timeout. */
    record Tcp(Endpoint target, Optional<InetAddress> bindTo, CheckTiming timing, int line) implements CheckSpec {
        @Override
        public String kind() {
            return "TCP_CHECK";
        }
    }

    /** HTTP_GET: every url answers a status it accepts, within the connect timeout. */
    record HttpGet(Endpoint target, Optional<InetAddress> bindTo, List<UrlSpec> urls, CheckTiming timing, int line)
            implements CheckSpec {
        public HttpGet {
            urls = List.copyOf(urls);
        }

        @Override
        public String kind() {
            return "HTTP_GET";
        }
    }

    /**
     * MISC_CHECK: a command run by {@code /bin/sh -c}; exit 0 is healthy, any other exit or a
     * timeout is a failure, except that with {@code misc_dynamic} exits 2-255 count as healthy
     * too (keepalived then derives a weight from them, which Lifeline does not).
     */
    record Misc(String command, Duration timeout, boolean dynamic, CheckTiming timing, int line) implements CheckSpec {
        @Override
        public String kind() {
            return "MISC_CHECK";
        }
    }
}
