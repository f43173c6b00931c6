package io.lifeline.agent.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lifeline.net.AddressRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VipLeaseTest {

    private final AtomicLong clock = new AtomicLong();

    private static AddressRequest request() throws Exception {
        return new AddressRequest(1, InetAddress.getByName("198.51.100.77"), 24, null, null, false);
    }

    @Test
    void theLeaseOutlastsEveryFreezeShorterThanDeadtimeInWholeSeconds() {
        try (VipLease fast = VipLease.forDeadtime(Duration.ofMillis(500), () -> { });
             VipLease suite = VipLease.forDeadtime(Duration.ofMillis(1500), () -> { });
             VipLease slow = VipLease.forDeadtime(Duration.ofSeconds(30), () -> { })) {
            assertEquals(Duration.ofSeconds(1), fast.length(), "500 + 250 + 100 ms");
            assertEquals(250, fast.renewEveryMillis());
            // a freeze just under deadtime plus one renewal interval must stay below the lease
            assertEquals(Duration.ofSeconds(2), suite.length(), "1500 + 250 + 100 ms, rounded up");
            assertEquals(Duration.ofSeconds(32), slow.length(), "30 s + 1 s + 100 ms, rounded up");
            assertEquals(1000, slow.renewEveryMillis());
        }
        assertThrows(IllegalArgumentException.class, () -> new VipLease(0, 250, clock::get, false));
    }

    @Test
    void aLeaseThatMayHaveLapsedIsNeverRenewed() throws Exception {
        VipLease lease = new VipLease(1, 250, clock::get, false);
        AddressRequest leased = lease.leased(request());
        assertEquals(1, leased.lifetimeSeconds());
        lease.hold(leased, 0);
        clock.set(TimeUnit.MILLISECONDS.toNanos(950)); // the renewer ran late by nearly the whole lease
        lease.renewAll();
        assertFalse(lease.holds(leased.address()), "left to expire: a peer may hold the address by now");
    }

    @Test
    void anAddressThatIsGoneIsNotAddedBackByARenewal() throws Exception {
        VipLease lease = new VipLease(1, 250, clock::get, false);
        AddressRequest leased = lease.leased(request()); // 198.51.100.77 is on no interface of this host
        lease.hold(leased, 0);
        clock.set(TimeUnit.MILLISECONDS.toNanos(200));
        lease.renewAll();
        assertFalse(lease.holds(leased.address()));
    }
}
