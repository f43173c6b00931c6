package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaresourcesParserTest {

    @TempDir
    Path dir;

    private final Diagnostics diag = new Diagnostics();

    private Optional<Haresources> parse(String content) {
        return HaresourcesParser.parse(ConfigFiles.write(dir, "haresources", content), diag);
    }

    @Test
    void parsesGroupsWithContinuationLinesAndComments() {
        Haresources r = parse("# web\nnode1 198.51.100.10 \\\n   nginx  # the server\n"
                + "node2 IPaddr2::198.51.100.11/24/eth0 Filesystem::/dev/sda1::/data1::ext2\n").orElseThrow();
        assertEquals(2, r.groups().size());
        ResourceGroup web = r.groups().get(0);
        assertEquals("node1", web.preferredNode());
        assertEquals(2, web.line());
        assertEquals(List.of("IPaddr", "nginx"), web.resources().stream().map(ResourceSpec::name).toList());
        assertEquals(List.of("198.51.100.10"), web.resources().get(0).args());
        assertEquals("198.51.100.10", web.name());
        ResourceSpec fs = r.groups().get(1).resources().get(1);
        assertEquals("Filesystem", fs.name());
        assertEquals(List.of("/dev/sda1", "/data1", "ext2"), fs.args());
        assertEquals(4, fs.line());
    }

    @Test
    void bareIpWithArgumentsMeansIpaddr() {
        ResourceSpec s = parse("node1 135.9.216.3/28/eth0/135.9.216.12 httpd\n").orElseThrow()
                .groups().get(0).resources().get(0);
        assertEquals("IPaddr", s.name());
        assertEquals(List.of("135.9.216.3/28/eth0/135.9.216.12"), s.args());
        assertEquals("135.9.216.3/28/eth0/135.9.216.12", s.word());
    }

    @Test
    void nodeNamesAreLowercasedLikeHeartbeat() {
        assertEquals("node1", parse("NODE1 nginx\n").orElseThrow().groups().get(0).preferredNode());
    }

    @Test
    void duplicateGroupKeyIsAnError() {
        assertTrue(parse("node1 198.51.100.10 nginx\nnode2 198.51.100.10\n").isEmpty());
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 2 && p.message().contains("already defined at line 1")));
    }

    @Test
    void malformedWordsAreErrorsWithLines() {
        assertTrue(parse("node1\nnode2 Filesystem::::x\nnode3 ::x\n").isEmpty());
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 1 && p.message().contains("has no resources")));
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 2 && p.message().contains("empty argument")));
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 3 && p.message().contains("no name")));
    }

    @Test
    void continuationAtEndOfFileIsHarmless() {
        Haresources r = parse("node1 nginx \\").orElseThrow();
        assertEquals(1, r.groups().size());
    }

    @Test
    void ipv6AddressesWithDoubleColonsReachTheAddressAgentsIntact() {
        ResourceSpec s = parse("node1 IPv6addr::2001:db8:1::/64/eth0\n").orElseThrow()
                .groups().get(0).resources().get(0);
        assertEquals("IPv6addr", s.name());
        assertEquals("2001:db8:1::/64/eth0", String.join("::", s.args()));
    }
}
