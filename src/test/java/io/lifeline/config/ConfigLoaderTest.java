package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static String sample(String name) throws IOException {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/heartbeat3/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void loadsAConsistentDirectory() throws Exception {
        ConfigFiles.write(dir, "ha.cf", "node alpha beta\nbcast eth0\nauto_failback on\n");
        ConfigFiles.write(dir, "haresources", "alpha 198.51.100.10 nginx\nBeta 198.51.100.11\n");
        ConfigFiles.write(dir, "authkeys", "auth 1\n1 sha256 0123456789abcdef0123\n");
        ClusterConfig c = ConfigLoader.load(dir);
        assertEquals(2, c.haresources().groups().size());
        assertEquals(AutoFailback.ON, c.haCf().autoFailback());
    }

    @Test
    void groupOnUnknownNodeIsAnErrorInHaresources() {
        ConfigFiles.write(dir, "ha.cf", "node alpha beta\nbcast eth0\n");
        ConfigFiles.write(dir, "haresources", "\ngamma 198.51.100.10\n");
        ConfigFiles.write(dir, "authkeys", "auth 1\n1 sha256 0123456789abcdef0123\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().startsWith(dir.resolve("haresources") + ":2: error: node 'gamma'"), e.getMessage());
    }

    /**
     * Heartbeat's own heavily commented samples: every line they contain is understood (no
     * syntax errors, no unknown-directive warnings); the only errors are the ones Heartbeat
     * itself reports for them, because the samples configure no node, medium or key.
     */
    @Test
    void unmodifiedHeartbeatSamplesParseWithOnlyTheRequiredDirectivesMissing() throws Exception {
        ConfigFiles.write(dir, "ha.cf", sample("ha.cf"));
        ConfigFiles.write(dir, "haresources", sample("haresources"));
        ConfigFiles.write(dir, "authkeys", sample("authkeys"));
        ConfigLoader.Result r = ConfigLoader.check(dir, true);
        List<String> errors = r.diagnostics().errors().stream().map(ConfigProblem::message).toList();
        assertEquals(3, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("no nodes"));
        assertTrue(errors.get(1).startsWith("no heartbeat media"));
        assertTrue(errors.get(2).startsWith("no 'auth N' line"));
        assertTrue(r.diagnostics().warnings().isEmpty(), () -> r.diagnostics().warnings().toString());
    }

    /** The samples with every suggested directive uncommented, as an admin would start. */
    @Test
    void heartbeatSamplesWithTheirExamplesUncommentedLoad() throws Exception {
        String haCf = uncomment(sample("ha.cf"), List.of("#keepalive", "#deadtime", "#warntime", "#initdead",
                "#udpport", "#bcast\teth0", "#mcast ", "#ucast ", "#node", "#ping ", "#ping_group", "#respawn hacluster",
                "#apiauth ", "#hopfudge", "#deadping", "#hbgenmethod", "#realtime", "#debug ", "#conn_logd_time",
                "#compression", "#debugfile", "#logfile", "#watchdog", "#stonith_host", "#baud"));
        String res = uncomment(sample("haresources"), List.of("#just.linux-ha.org\t135.9.216.3", "#node1  10.0.0.170"))
                .replace("just.linux-ha.org", "kathy").replace("node1  10.0.0.170", "ken3  10.0.0.170");
        String keys = uncomment(sample("authkeys"), List.of("#auth 1", "#2 sha1", "#3 md5"))
                .replace("auth 1", "auth 2");
        ConfigFiles.write(dir, "ha.cf", haCf);
        ConfigFiles.write(dir, "haresources", res);
        ConfigFiles.write(dir, "authkeys", keys);
        ConfigLoader.Result r = ConfigLoader.check(dir, true);
        assertTrue(r.config().isPresent(), () -> r.diagnostics().problems().toString());
        ClusterConfig c = r.config().get();
        assertEquals(List.of("ken3", "kathy"), c.haCf().nodes());
        assertEquals(2, c.haresources().groups().size());
        assertEquals(2, c.authkeys().signingKeyId());
        assertEquals(3, c.haCf().media().size());
    }

    private static String uncomment(String text, List<String> prefixes) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String out = line;
            for (String p : prefixes) {
                if (line.startsWith(p)) {
                    out = line.substring(1);
                    break;
                }
            }
            sb.append(out).append('\n');
        }
        return sb.toString();
    }

    @Test
    void atStartABadHaresourcesLineSkipsOnlyItsGroupButCheckStaysStrict() {
        ConfigFiles.write(dir, "ha.cf", "node alpha beta\nbcast eth0\n");
        ConfigFiles.write(dir, "haresources", "alpha 198.51.100.10 nginx\n"
                + "gamma 198.51.100.11\n"           // not a node in ha.cf
                + "beta ::x\n"                       // no resource name
                + "alpha 198.51.100.10 httpd\n"      // the same group again
                + "beta 198.51.100.12 \\\n   squid\n");
        ConfigFiles.write(dir, "authkeys", "auth 1\n1 sha256 0123456789abcdef0123\n");

        ConfigLoader.Result strict = ConfigLoader.check(dir, true);
        assertTrue(strict.config().isEmpty(), "check-config and reloads refuse the file");

        ConfigLoader.Result lenient = ConfigLoader.checkSkippingBadGroups(dir, true);
        assertEquals(List.of("IPaddr::198.51.100.10", "IPaddr::198.51.100.12"), lenient.config().orElseThrow()
                .haresources().groups().stream().map(g -> g.resources().get(0).name() + "::"
                        + String.join("::", g.resources().get(0).args())).toList());
        assertEquals(List.of(2, 3, 4), lenient.diagnostics().errors().stream().map(ConfigProblem::line).sorted().toList(),
                "every skipped line is reported at its file:line");
        assertEquals(List.of(1, 5), lenient.config().get().haresources().groups().stream()
                .map(ResourceGroup::line).toList());
    }

    @Test
    void anErrorOutsideHaresourcesStillRefusesTheStart() {
        ConfigFiles.write(dir, "ha.cf", "node alpha beta\nbcast eth0\ndeadtime banana\n");
        ConfigFiles.write(dir, "haresources", "alpha 198.51.100.10\n");
        ConfigFiles.write(dir, "authkeys", "auth 1\n1 sha256 0123456789abcdef0123\n");
        assertTrue(ConfigLoader.checkSkippingBadGroups(dir, true).config().isEmpty());
    }
}
