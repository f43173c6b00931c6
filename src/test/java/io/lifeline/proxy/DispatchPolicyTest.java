package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lifeline.config.Diagnostics;
import io.lifeline.proxy.DispatchPolicy.AfterFailure;
import io.lifeline.proxy.DispatchPolicy.Kind;
import io.lifeline.proxy.balance.Balancer;
import io.lifeline.proxy.config.ProxyConfig;
import io.lifeline.proxy.config.ProxyConfigParser;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** HAProxy's assignment, retry and redispatch rules, as both session types now take them. */
class DispatchPolicyTest {

    private static BackendRuntime backend(String backendLines) {
        Diagnostics d = new Diagnostics();
        ProxyConfig c = ProxyConfigParser.parseText(Path.of("t.cfg"), """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                backend app
                %s
                """.formatted(backendLines), d);
        assertFalse(d.hasErrors(), () -> d.problems().toString());
        return new BackendRuntime(c.backend("app").orElseThrow(), new AtomicInteger());
    }

    private static void down(ServerRuntime s) {
        for (int i = 0; i < s.config.fall(); i++) {
            s.checkFailed("L4CON", 0, "test", 0, false);
        }
    }

    @Test
    void retriesTheSameServerUntilRetriesAreSpentThenGivesUp() {
        BackendRuntime be = backend("    retries 2\n    server a 127.0.0.1:1 check\n    server b 127.0.0.1:2 check");
        ServerRuntime a = be.servers.get(0);
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(be, a, 1, null));
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(be, a, 2, null));
        assertEquals(AfterFailure.GIVE_UP, DispatchPolicy.afterFailure(be, a, 3, null));
    }

    @Test
    void optionRedispatchNamesTheRetriesThatGoElsewhere() {
        // "option redispatch 1": every retry; plain "option redispatch" is -1: the last one
        BackendRuntime every = backend("    retries 3\n    option redispatch 1\n    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        ServerRuntime a = every.servers.get(0);
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(every, a, 1, null));
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(every, a, 2, null));
        BackendRuntime last = backend("    retries 3\n    option redispatch\n    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        ServerRuntime la = last.servers.get(0);
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(last, la, 1, null));
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(last, la, 2, null));
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(last, la, 3, null));
    }

    @Test
    void aDownServerIsLeftUnlessAPersistenceCookieBindsTheRequestToIt() {
        BackendRuntime be = backend("    retries 3\n    server a 127.0.0.1:1 check fall 1\n    server b 127.0.0.1:2 check");
        ServerRuntime a = be.servers.get(0);
        down(a);
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(be, a, 1, null));
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(be, a, 1, a), "cookie-bound");
        DispatchPolicy.Step retry = DispatchPolicy.retryDue(be, a, 1, null, Balancer.NO_HASH);
        assertEquals(Kind.CONNECT, retry.kind());
        assertSame(be.servers.get(1), retry.server(), "went DOWN while the retry waited: another server");
    }

    @Test
    void persistenceFirstThenTheQueueKeepsItsOrder() {
        BackendRuntime be = backend("    server a 127.0.0.1:1 maxconn 1\n    server b 127.0.0.1:2 maxconn 1");
        ServerRuntime b = be.servers.get(1);
        DispatchPolicy.Step first = DispatchPolicy.assign(be, Balancer.NO_HASH, b, null, false);
        assertSame(b, first.server(), "the cookie's server");
        DispatchPolicy.Step second = DispatchPolicy.assign(be, Balancer.NO_HASH, null, null, false);
        assertSame(be.servers.get(0), second.server());
        assertEquals(Kind.QUEUE, DispatchPolicy.assign(be, Balancer.NO_HASH, null, null, false).kind(), "all at maxconn");
        be.enqueue(() -> { });
        b.release();
        be.enqueue(() -> { });
        assertEquals(Kind.QUEUE, DispatchPolicy.assign(be, Balancer.NO_HASH, null, null, false).kind(),
                "a newcomer waits behind the queue");
    }

    @Test
    void nothingUsableIsUnavailableEvenWithAQueue() {
        BackendRuntime be = backend("    server a 127.0.0.1:1 check fall 1");
        be.enqueue(() -> { });
        down(be.servers.get(0));
        assertEquals(Kind.UNAVAILABLE, DispatchPolicy.assign(be, Balancer.NO_HASH, null, null, false).kind());
        assertEquals(Kind.UNAVAILABLE, DispatchPolicy.assign(be, Balancer.NO_HASH, null, null, true).kind());
    }

    @Test
    void retryWaitsTheShorterOfTimeoutConnectAndOneSecond() {
        assertEquals(300, DispatchPolicy.retryDelayMillis(300));
        assertEquals(1000, DispatchPolicy.retryDelayMillis(5000));
        assertEquals(1000, DispatchPolicy.retryDelayMillis(0));
    }
}
