package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupNamesTest {

    @TempDir
    Path dir;

    private ConfigLoader.Result load(String haCfExtra, String haresources) {
        ConfigFiles.write(dir, "ha.cf", "node n1 n2\nbcast lo\n" + haCfExtra);
        ConfigFiles.write(dir, "haresources", haresources);
        ConfigFiles.write(dir, "authkeys", "auth 1\n1 sha256 secret\n");
        return ConfigLoader.check(dir, false);
    }

    private GroupNames names(String haCfExtra, String haresources) {
        ConfigLoader.Result r = load(haCfExtra, haresources);
        assertTrue(r.config().isPresent(), () -> r.diagnostics().errors().toString());
        return GroupNames.of(r.config().get().haCf(), r.config().get().haresources(), new Diagnostics());
    }

    @Test
    void derivedFromTheFirstResource() {
        GroupNames n = names("", """
                n1 IPaddr2::198.51.100.10/24/eth0 apache
                n1 ocf:heartbeat:IPaddr2::ip=198.51.100.11::cidr_netmask=24::nic=eth0 nginx
                n2 198.51.100.12
                n2 Proxy::/etc/lifeline/web.cfg
                n2 httpd
                n2 ocf:heartbeat:Dummy::state=/run/dummy.state
                n1 IPv6addr::2001:db8::10/64/eth0
                n1 ocf:heartbeat:IPv6addr::ipv6addr=2001:db8::11::cidr_netmask=64
                """);
        assertEquals(List.of("198.51.100.10", "198.51.100.11", "198.51.100.12", "Proxy:web.cfg", "httpd",
                "Dummy:dummy.state", "2001:db8::10", "2001:db8::11"), List.copyOf(n.all().values()));
        assertEquals(Optional.of("ocf:heartbeat:IPaddr2::ip=198.51.100.11::cidr_netmask=24::nic=eth0"),
                n.resolve("198.51.100.11"));
        assertEquals(Optional.of("Proxy::/etc/lifeline/web.cfg"), n.resolve("proxy:WEB.cfg"), "any case");
        assertEquals(Optional.of("httpd"), n.resolve("httpd"));
        assertEquals(Optional.of("IPaddr2::198.51.100.10/24/eth0"), n.resolve("IPaddr2::198.51.100.10/24/eth0"),
                "the full name is still accepted");
        assertEquals(Optional.empty(), n.resolve("nosuchgroup"));
    }

    @Test
    void anExplicitNameThatIsAnotherGroupsNameInAnyCaseIsAnError() {
        ConfigLoader.Result r = load("group_name HTTPD IPaddr2::198.51.100.10/24/eth0\n", """
                n1 IPaddr2::198.51.100.10/24/eth0
                n2 httpd
                """);
        assertTrue(r.diagnostics().errors().toString().contains("group_name 'HTTPD' is the name of another group"),
                r.diagnostics().problems()::toString);
    }

    @Test
    void aDerivedNameTwoGroupsShareIsNotUsed() {
        GroupNames n = names("", """
                n1 IPaddr2::198.51.100.10/24/eth0
                n2 IPaddr::198.51.100.10/25/eth1
                n2 IPaddr2::198.51.100.20/24/eth0
                """);
        assertEquals("IPaddr2::198.51.100.10/24/eth0", n.shortName("IPaddr2::198.51.100.10/24/eth0"));
        assertEquals("IPaddr::198.51.100.10/25/eth1", n.shortName("IPaddr::198.51.100.10/25/eth1"));
        assertEquals("198.51.100.20", n.shortName("IPaddr2::198.51.100.20/24/eth0"));
    }

    @Test
    void groupNameDirectiveGivesTheNameAndHaresourcesStaysPlain() {
        GroupNames n = names("group_name web IPaddr2::198.51.100.10/24/eth0\n", """
                n1 IPaddr2::198.51.100.10/24/eth0 httpd
                n2 IPaddr2::198.51.100.11/24/eth0
                """);
        assertEquals(Map.of("IPaddr2::198.51.100.10/24/eth0", "web", "IPaddr2::198.51.100.11/24/eth0", "198.51.100.11"),
                n.all());
        assertEquals(Optional.of("IPaddr2::198.51.100.10/24/eth0"), n.resolve("web"));
    }

    @Test
    void badGroupNameLinesAreErrorsWithTheirLine() throws Exception {
        ConfigLoader.Result r = load("""
                group_name all IPaddr2::198.51.100.10/24/eth0
                group_name web IPaddr2::198.51.100.10/24/eth0
                group_name web IPaddr2::198.51.100.11/24/eth0
                group_name other nosuchgroup
                group_name onlyone
                """, """
                n1 IPaddr2::198.51.100.10/24/eth0
                n2 IPaddr2::198.51.100.11/24/eth0
                """);
        String haCf = dir.resolve("ha.cf").toString();
        assertEquals(List.of(haCf + ":3: error: group_name 'all' is a scope word of hactl commands (all, local, foreign, "
                        + "failback); choose another name",
                haCf + ":5: error: group_name 'web' is given twice (first at line 4)",
                haCf + ":7: error: group_name needs two words: group_name SHORT FIRST-RESOURCE-WORD"),
                r.diagnostics().errors().stream().map(ConfigProblem::toString).toList());
        assertTrue(r.diagnostics().warnings().stream().map(ConfigProblem::toString)
                .anyMatch(w -> w.equals(haCf + ":6: warning: group_name other: no haresources group starts with "
                        + "'nosuchgroup'; ignored")), r.diagnostics().warnings().toString());
        assertTrue(Files.exists(dir.resolve("ha.cf")));
    }
}
