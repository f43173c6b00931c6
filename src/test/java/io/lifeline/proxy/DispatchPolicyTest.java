package io.lifeline.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // a hashing balance, so that only the interval decides (see the next test)
        // "option redispatch 1": every retry; plain "option redispatch" is -1: the last one
        BackendRuntime every = backend("    balance source\n    retries 3\n    option redispatch 1\n"
                + "    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        ServerRuntime a = every.servers.get(0);
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(every, a, 1, null));
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(every, a, 2, null));
        BackendRuntime last = backend("    balance source\n    retries 3\n    option redispatch\n"
                + "    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        ServerRuntime la = last.servers.get(0);
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(last, la, 1, null));
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(last, la, 2, null));
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(last, la, 3, null));
        // "option redispatch -2" with retries 3: the second before the last, i.e. the 2nd
        BackendRuntime minusTwo = backend("    balance uri\n    retries 3\n    option redispatch -2\n"
                + "    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        ServerRuntime ma = minusTwo.servers.get(0);
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(minusTwo, ma, 1, null));
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(minusTwo, ma, 2, null));
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(minusTwo, ma, 3, null));
        // HAProxy takes -N as a period of retries + 1 - N: with retries 6, -4 is every 3rd retry
        BackendRuntime minusFour = backend("    balance hdr(x-user)\n    retries 6\n    option redispatch -4\n"
                + "    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        ServerRuntime fa = minusFour.servers.get(0);
        for (int retry = 1; retry <= 6; retry++) {
            assertEquals(retry % 3 == 0 ? AfterFailure.REDISPATCH : AfterFailure.RETRY_SAME_SERVER,
                    DispatchPolicy.afterFailure(minusFour, fa, retry, null), "retry " + retry);
        }
    }

    /**
     * HAProxy's back_handle_st_cer(): with option redispatch, a request no cookie binds to its
     * server goes elsewhere on every retry when the balancing does not hash and more than one
     * active server is up; it was never meant for the server that failed.
     */
    @Test
    void withRedispatchANonHashingBalanceGoesElsewhereOnEveryRetry() {
        for (String balance : new String[] {"roundrobin", "static-rr", "leastconn"}) {
            BackendRuntime be = backend("    balance " + balance + "\n    retries 3\n    option redispatch\n"
                    + "    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
            ServerRuntime a = be.servers.get(0);
            assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(be, a, 1, null), balance);
            assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(be, a, 1, a),
                    balance + ": a cookie binds the request until the interval's retry");
            assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.afterFailure(be, a, 3, a), balance + ": the last retry");
        }
        BackendRuntime alone = backend("    retries 3\n    option redispatch\n    server a 127.0.0.1:1\n"
                + "    server b 127.0.0.1:2 backup");
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(alone, alone.servers.get(0), 1, null),
                "one active server: nowhere else to go before the last retry (a backup is not active)");
        BackendRuntime without = backend("    retries 3\n    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.afterFailure(without, without.servers.get(0), 1, null),
                "without option redispatch an UP server is retried");
    }

    @Test
    void connectFailedCountsRetriesRedispatchesAndFailedConnectionsAsHaproxyStats() {
        BackendRuntime be = backend("    balance source\n    retries 2\n    option redispatch 2\n"
                + "    server a 127.0.0.1:1\n    server b 127.0.0.1:2");
        ServerRuntime a = be.servers.get(0);
        assertEquals(AfterFailure.RETRY_SAME_SERVER, DispatchPolicy.connectFailed(be, a, 1, null, "refused"));
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.connectFailed(be, a, 2, null, "refused"));
        assertEquals(AfterFailure.GIVE_UP, DispatchPolicy.connectFailed(be, a, 3, null, "refused"));
        assertEquals(2, a.counters.wretr.sum());
        assertEquals(1, a.counters.wredis.sum());
        assertEquals(1, a.counters.econ.sum());
        assertEquals(1, be.counters.econ.sum());
    }

    @Test
    void aCheckedServerCountsAFailedConnectionAsAFailedCheck() {
        BackendRuntime be = backend("    retries 3\n    server a 127.0.0.1:1 check fall 2\n    server b 127.0.0.1:2 check");
        ServerRuntime a = be.servers.get(0);
        DispatchPolicy.connectFailed(be, a, 1, null, "refused");
        assertTrue(a.isUsable(), "one failure of fall 2");
        assertEquals(AfterFailure.REDISPATCH, DispatchPolicy.connectFailed(be, a, 2, null, "refused"),
                "the second failure took it DOWN: leave it");
        assertFalse(a.isUsable());
    }

    /** HAProxy: "timeout queue" bounds the wait for a slot; unset, "timeout connect" is used. */
    @Test
    void theQueueWaitsTimeoutQueueOrElseTimeoutConnect() {
        assertEquals(1000, DispatchPolicy.queueTimeoutMillis(backend("    server a 127.0.0.1:1 maxconn 1")));
        assertEquals(250, DispatchPolicy.queueTimeoutMillis(backend("    timeout queue 250ms\n    server a 127.0.0.1:1 maxconn 1")));
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
