package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.Haresources;
import io.lifeline.config.Medium;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkPlanningTest {

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void mediaBecomeLinksInHaCfOrderWithUcastLinesOfOneDeviceCombined() throws Exception {
        List<LinkSpec> links = LinkPlanner.plan(List.of(
                new Medium.Ucast("eth1", ip("198.51.100.1"), 694, 3),
                new Medium.Bcast("eth0", 694, 4),
                new Medium.Ucast("eth1", ip("198.51.100.2"), 694, 5),
                new Medium.Mcast("eth2", ip("239.1.1.1"), 694, 1, false, 6),
                new Medium.Bcast("eth0", 694, 7)));
        assertEquals(3, links.size());
        LinkSpec.Ucast u = (LinkSpec.Ucast) links.get(0);
        assertEquals(List.of(ip("198.51.100.1"), ip("198.51.100.2")), u.peers());
        assertEquals(3, u.line());
        assertEquals("bcast:eth0", links.get(1).name());
        assertEquals("mcast:eth2:239.1.1.1", links.get(2).name());
    }

    @Test
    void clusterNameDependsOnClusterNodesAndNetworkButNotOnDeviceOrNameCase() throws Exception {
        LinkSpec eth0 = new LinkSpec.Bcast("eth0", 694, 1);
        LinkSpec ens3 = new LinkSpec.Bcast("ens3", 694, 1);
        String name = LinkPlanner.clusterName("linux-ha", List.of("alpha", "beta"), eth0);
        assertEquals(name, LinkPlanner.clusterName("linux-ha", List.of("BETA", "alpha"), ens3));
        assertNotEquals(name, LinkPlanner.clusterName("linux-ha", List.of("alpha", "gamma"), eth0));
        assertNotEquals(name, LinkPlanner.clusterName("linux-ha", List.of("alpha", "beta"),
                new LinkSpec.Bcast("eth0", 695, 1)));
        assertNotEquals(name, LinkPlanner.clusterName("web", List.of("alpha", "beta"), eth0));
        assertTrue(name.startsWith("lifeline-"));
    }

    @Test
    void bindRuleSkipsVipsAndTakesTheOldestAddress() throws Exception {
        InetAddress vip = ip("198.51.100.100");
        InetAddress secondary = ip("198.51.100.50");
        InetAddress primary = ip("198.51.100.11");
        // Java lists the newest address first
        List<InetAddress> newestFirst = List.of(vip, secondary, primary);
        assertEquals(Optional.of(primary), BindAddressRule.pick(newestFirst, Set.of(vip), List.of()));
        assertEquals(Optional.of(secondary), BindAddressRule.pick(newestFirst, Set.of(vip), List.of(secondary)),
                "an address the ucast lines name is how peers know us");
        assertEquals(Optional.empty(), BindAddressRule.pick(List.of(vip), Set.of(vip), List.of()));
    }

    @Test
    void vipsAreCollectedFromIpResourcesInEveryForm() throws Exception {
        Haresources hr = new Haresources(Path.of("haresources"), List.of(
                new ResourceGroup("n1", List.of(
                        new ResourceSpec("IPaddr", List.of("198.51.100.100/24/eth0"), "IPaddr::198.51.100.100/24/eth0", 1),
                        new ResourceSpec("IPaddr", List.of("198.51.100.101"), "198.51.100.101", 1),
                        new ResourceSpec("IPaddr2", List.of("ip=198.51.100.102", "cidr_netmask=24"), "IPaddr2", 1),
                        new ResourceSpec("httpd", List.of(), "httpd", 1)), 1)));
        assertEquals(Set.of(ip("198.51.100.100"), ip("198.51.100.101"), ip("198.51.100.102")), VipAddresses.of(hr));
    }
}
