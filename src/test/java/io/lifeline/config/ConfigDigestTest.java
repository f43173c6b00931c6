package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDigestTest {

    private static final String HA_CF = """
            node n1 n2
            keepalive 1
            deadtime 10
            udpport 7694
            bcast eth0
            auto_failback on
            monitor IPaddr2 interval=5s
            """;
    private static final String HARESOURCES = """
            n1 IPaddr2::198.51.100.10/24/eth0 httpd
            n2 IPaddr2::198.51.100.11/24/eth0
            """;
    private static final String AUTHKEYS = "auth 1\n1 sha256 secret-one\n";

    @TempDir
    Path tmp;

    private ConfigDigest digest(String name, String haCf, String haresources, String authkeys) throws Exception {
        Path dir = tmp.resolve(name);
        java.nio.file.Files.createDirectories(dir);
        ConfigFiles.write(dir, "ha.cf", haCf);
        ConfigFiles.write(dir, "haresources", haresources);
        ConfigFiles.write(dir, "authkeys", authkeys);
        ConfigLoader.Result r = ConfigLoader.check(dir, false);
        assertTrue(r.config().isPresent(), () -> r.diagnostics().errors().toString());
        return ConfigDigest.of(r.config().get());
    }

    @Test
    void theSameConfigurationWrittenDifferentlyHasTheSameDigest() throws Exception {
        ConfigDigest a = digest("a", HA_CF, HARESOURCES, AUTHKEYS);
        ConfigDigest b = digest("b", "# another layout\n" + HA_CF.replace("deadtime 10", "deadtime   10000ms   # ms"),
                "n2 IPaddr2::198.51.100.11/24/eth0\n# comment\nn1 IPaddr2::198.51.100.10/24/eth0 \\\n  httpd\n",
                AUTHKEYS);
        assertEquals(a, b);
        assertEquals(List.of(), a.differences(b));
    }

    @Test
    void nodeLocalDirectivesDoNotCount() throws Exception {
        ConfigDigest a = digest("a", HA_CF, HARESOURCES, AUTHKEYS);
        ConfigDigest b = digest("b", HA_CF.replace("bcast eth0", "bcast ens3\nucast ens3 198.51.100.2\nlogfacility local0"
                + "\npropagate on\nevent_log_size 500\nhttp_listen 127.0.0.1:9694"), HARESOURCES, AUTHKEYS);
        assertEquals(a, b);
    }

    @Test
    void aClusterWideHaCfDifferenceNamesHaCf() throws Exception {
        ConfigDigest a = digest("a", HA_CF, HARESOURCES, AUTHKEYS);
        ConfigDigest timers = digest("b", HA_CF.replace("deadtime 10", "deadtime 12"), HARESOURCES, AUTHKEYS);
        ConfigDigest order = digest("c", HA_CF.replace("node n1 n2", "node n2 n1"), HARESOURCES, AUTHKEYS);
        ConfigDigest monitor = digest("d", HA_CF.replace("interval=5s", "interval=6s"), HARESOURCES, AUTHKEYS);
        assertEquals(List.of("ha.cf"), a.differences(timers));
        assertEquals(List.of("ha.cf"), a.differences(order), "ha.cf node order is the tie-break order");
        assertEquals(List.of("ha.cf"), a.differences(monitor));
    }

    @Test
    void haresourcesDifferencesNameTheGroups() throws Exception {
        ConfigDigest a = digest("a", HA_CF, HARESOURCES, AUTHKEYS);
        ConfigDigest b = digest("b", HA_CF, """
                n1 IPaddr2::198.51.100.10/24/eth0 nginx
                n1 IPaddr2::198.51.100.12/24/eth0
                """, AUTHKEYS);
        assertEquals(List.of("haresources (IPaddr2::198.51.100.10/24/eth0: differs; "
                + "IPaddr2::198.51.100.11/24/eth0: only here; IPaddr2::198.51.100.12/24/eth0: only there)"),
                a.differences(b));
        ConfigDigest home = digest("c", HA_CF, HARESOURCES.replace("n1 IPaddr2", "n2 IPaddr2"), AUTHKEYS);
        assertEquals(List.of("haresources (IPaddr2::198.51.100.10/24/eth0: differs)"), a.differences(home));
    }

    @Test
    void authkeysCountsTheKeySetNotTheSigningKey() throws Exception {
        String two = "auth 1\n1 sha256 secret-one\n2 sha256 secret-two\n";
        ConfigDigest a = digest("a", HA_CF, HARESOURCES, two);
        ConfigDigest rotating = digest("b", HA_CF, HARESOURCES, two.replace("auth 1", "auth 2"));
        ConfigDigest otherSecret = digest("c", HA_CF, HARESOURCES, two.replace("secret-two", "secret-2"));
        assertEquals(a, rotating, "during a rotation the signing key differs by design");
        assertEquals(List.of("authkeys"), a.differences(otherSecret));
        assertTrue(!a.authkeys().contains("secret"));
        assertNotEquals(a.authkeys(), digest("d", HA_CF, HARESOURCES, AUTHKEYS).authkeys());
    }

    @Test
    void everyNodeLocalDirectiveIsAKnownHaCfDirective() {
        for (String k : ConfigDigest.NODE_LOCAL) {
            assertTrue(HaCfKeywords.ALL.containsKey(k), k);
        }
    }
}
