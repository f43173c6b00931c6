package io.lifeline.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabIT {

    @Test
    void hostsOnOneBridgeReachEachOtherAndEverythingIsRemovedOnClose() {
        String ns;
        try (Lab lab = Lab.create("lab")) {
            lab.addBridge("br0");
            Lab.Host a = lab.addHost("a").connect("br0", "eth0", "198.51.100.1/24");
            Lab.Host b = lab.addHost("b").connect("br0", "eth0", "198.51.100.2/24");
            assertEquals(0, a.shResult("ping -c 1 -W 2 198.51.100.2").exitCode());
            b.linkDown("eth0");
            assertTrue(a.shResult("ping -c 1 -W 1 198.51.100.2").exitCode() != 0);
            ns = a.namespace();
        }
        String list = Lab.Shell.run(List.of("ip", "netns", "list"));
        assertTrue(!list.contains(ns), "namespace left behind: " + list);
    }
}
