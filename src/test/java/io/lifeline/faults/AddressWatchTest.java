package io.lifeline.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressWatchTest {

    private static long at(String time) {
        return LocalDateTime.parse(time).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    @Test
    void onlyTransitionsCountARenewedLeaseIsNoNewAddition() {
        List<String> lines = List.of(
                "[2026-12-06T18:20:21.778560] 2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever",
                "[2026-12-06T18:20:21.778560] 2: eth0    inet 198.51.100.101/24 brd 198.51.100.255 scope global eth0\\ x",
                "[2026-12-06T18:20:22.000000] 2: eth0    inet 198.51.100.101/24 brd 198.51.100.255 scope global eth0\\ renewed",
                "[2026-12-06T18:20:22.100000] 2: eth0    inet 198.51.100.11/24 brd 198.51.100.255 scope global eth0\\ x",
                "[2026-12-06T18:20:23.250370] Deleted 2: eth0    inet 198.51.100.101/24 brd 198.51.100.255 scope global eth0\\ x",
                "[2026-12-06T18:20:24.000000] Deleted 2: eth0    inet 198.51.100.101/24 brd 198.51.100.255 scope global eth0\\ x");
        List<AddressWatch.Change> changes = AddressWatch.changes("n1", lines, List.of("198.51.100.101"));
        assertEquals(List.of(
                new AddressWatch.Change("n1", "198.51.100.101", at("2026-12-06T18:20:21.778560"), true),
                new AddressWatch.Change("n1", "198.51.100.101", at("2026-12-06T18:20:23.250370"), false)), changes);
    }
}
