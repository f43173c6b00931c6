package io.lifeline.agent.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.net.AddressRequest;
import io.lifeline.os.Errno;
import io.lifeline.net.NetException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VipLeaseTest {

    private final AtomicLong clock = new AtomicLong();
    /** Addresses the fake kernel has, and the renewals it was sent. */
    private final Set<InetAddress> present = new HashSet<>();
    private final Set<InetAddress> failing = new HashSet<>();
    private final List<InetAddress> renewed = new ArrayList<>();

    private final VipLease.KernelOpener kernel = () -> new VipLease.Kernel() {
        @Override
        public boolean present(AddressRequest r) throws NetException {
            if (failing.contains(r.address())) {
                throw new NetException(Errno.ENODEV, "interface gone");
            }
            return present.contains(r.address());
        }

        @Override
        public void renew(AddressRequest r) {
            renewed.add(r.address());
        }

        @Override
        public void close() {
        }
    };

    private static AddressRequest request(String address) throws Exception {
        return new AddressRequest(1, InetAddress.getByName(address), 24, null, null, false);
    }

    private VipLease lease() {
        return new VipLease(1, 250, clock::get, kernel);
    }

    private AddressRequest held(VipLease lease, String address) throws Exception {
        AddressRequest leased = lease.leased(request(address));
        present.add(leased.address());
        lease.hold(leased, clock.get());
        return leased;
    }

    private void at(long millis) {
        clock.set(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void theLeaseOutlastsEveryFreezeShorterThanDeadtimeInWholeSeconds() {
        try (VipLease fast = VipLease.forDeadtime(Duration.ofMillis(500), () -> { });
             VipLease suite = VipLease.forDeadtime(Duration.ofMillis(1500), () -> { });
             VipLease slow = VipLease.forDeadtime(Duration.ofSeconds(30), () -> { })) {
            assertEquals(Duration.ofSeconds(1), fast.length(), "500 + 250 + 200 ms");
            assertEquals(250, fast.renewEveryMillis());
            // a freeze just under deadtime plus one renewal interval must stay below the lease
            assertEquals(Duration.ofSeconds(2), suite.length(), "1500 + 250 + 200 ms, rounded up");
            assertEquals(Duration.ofSeconds(32), slow.length(), "30 s + 1 s + 200 ms, rounded up");
            assertEquals(1000, slow.renewEveryMillis());
        }
        assertThrows(IllegalArgumentException.class, () -> new VipLease(0, 250, clock::get, kernel));
    }

    @Test
    void aRenewalInTimeIsSentAndRestartsTheLease() throws Exception {
        VipLease lease = lease();
        AddressRequest a = held(lease, "198.51.100.77");
        assertEquals(1, a.lifetimeSeconds());
        at(500);
        lease.renewAll();
        at(1200); // 700 ms after the renewal, 1.2 s after the add
        lease.renewAll();
        assertEquals(List.of(a.address(), a.address()), renewed);
        assertTrue(lease.holds(a.address()));
    }

    @Test
    void aLeaseThatMayHaveLapsedIsNeverRenewed() throws Exception {
        VipLease lease = lease();
        AddressRequest a = held(lease, "198.51.100.77");
        at(850); // the renewer ran late by nearly the whole lease: within 200 ms of its end
        lease.renewAll();
        assertEquals(List.of(), renewed, "left to expire: a peer may hold the address by now");
        assertFalse(lease.holds(a.address()));
    }

    @Test
    void aReleasedOrVanishedAddressIsNotRenewedSoItCannotBeAddedBack() throws Exception {
        VipLease lease = lease();
        AddressRequest stopped = held(lease, "198.51.100.77");
        AddressRequest vanished = held(lease, "198.51.100.78");
        lease.release(stopped.address()); // the agent's stop, before it deletes the address
        present.remove(vanished.address()); // deleted by hand
        at(300);
        lease.renewAll();
        assertEquals(List.of(), renewed);
        assertFalse(lease.holds(vanished.address()));
    }

    @Test
    void oneAddressFailingDoesNotCostTheOthersTheirRenewal() throws Exception {
        VipLease lease = lease();
        AddressRequest bad = held(lease, "198.51.100.77");
        AddressRequest good = held(lease, "198.51.100.78");
        failing.add(bad.address());
        at(300);
        lease.renewAll();
        assertEquals(List.of(good.address()), renewed);
    }
}
