package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyword tables of ha.cf, haresources and authkeys: the parsers follow them, the docs equal them. */
class ConfigKeywordTablesTest {

    @TempDir
    Path dir;

    @Test
    void theParserHandlesEveryDirectiveOfTheTable() {
        for (Keyword<Void> k : HaCfKeywords.ALL.values()) {
            for (String args : new String[] {"", " x", " 1", " on"}) {
                Diagnostics d = new Diagnostics();
                // throws IllegalStateException for a table entry the parser has no code for
                HaCfParser.parse(ConfigFiles.write(dir, "ha.cf", "node a b\nbcast eth0\n" + k.name() + args + "\n"), d);
                assertFalse(d.problems().stream().anyMatch(p -> p.message().contains("unknown directive")),
                        () -> k.name() + " is in the table but unknown to the parser: " + d.problems());
            }
        }
    }

    @Test
    void aWordMissingFromTheTableIsUnknownEvenIfItLooksLikeHeartbeat() {
        Diagnostics d = new Diagnostics();
        HaCfParser.parse(ConfigFiles.write(dir, "ha.cf", "node a b\nbcast eth0\nkeepalives 2\n"), d);
        assertTrue(d.warnings().stream().anyMatch(p -> p.line() == 3
                && p.message().equals("unknown directive 'keepalives' ignored")), () -> d.problems().toString());
    }

    @Test
    void ignoredDirectivesWarnWithTheReasonFromTheTable() {
        for (String name : HaCfKeywords.withStatus(Keyword.Status.IGNORED)) {
            Diagnostics d = new Diagnostics();
            HaCfParser.parse(ConfigFiles.write(dir, "ha.cf", "node a b\nbcast eth0\n" + name + " 1\n"), d);
            String expected = name + " is accepted but ignored: " + HaCfKeywords.ALL.get(name).meaning();
            assertTrue(d.warnings().stream().anyMatch(p -> p.line() == 3 && p.message().equals(expected)),
                    () -> name + ": " + d.problems());
        }
    }

    @Test
    void unsupportedHeartbeatDirectivesWarnAndNeverFail() {
        for (String name : HaCfKeywords.withStatus(Keyword.Status.UNSUPPORTED)) {
            Diagnostics d = new Diagnostics();
            String args = name.equals("autojoin") ? " any" : name.equals("crm") || name.equals("pacemaker")
                    ? " respawn" : " eth1";
            HaCfParser.parse(ConfigFiles.write(dir, "ha.cf", "node a b\nbcast eth0\n" + name + args + "\n"), d);
            assertTrue(d.errors().isEmpty(), () -> name + ": " + d.problems());
            assertTrue(d.warnings().stream().anyMatch(p -> p.line() == 3), () -> name + ": " + d.problems());
        }
    }

    @Test
    void managerDirectivesAreExactlyTheTablesLifelineManagerEntries() {
        assertEquals(HaCfKeywords.withStatus(Keyword.Status.LIFELINE_MANAGER), java.util.Set.copyOf(
                HaCfParser.EXTENSION_KEYWORDS));
        assertTrue(HaCfParser.EXTENSION_KEYWORDS.containsAll(java.util.List.of("monitor", "resource_defaults",
                "no_quorum_policy", "failback_delay", "notify", "fence_hook", "stall_threshold",
                "stall_rejoin_wait", "report_interval", "event_log_size")));
    }

    @Test
    void everyAuthMethodIsDescribed() {
        assertEquals(EnumSet.allOf(AuthMethod.class), AuthkeysSyntax.METHODS.keySet());
    }

    @Test
    void docsContainTheHaCfTableVerbatim() throws Exception {
        String text = Files.readString(Path.of("docs/ha.cf.md"));
        assertTrue(text.contains(HaCfKeywords.markdownReference()),
                "docs/ha.cf.md is out of date: paste the output of 'hactl check-config --reference ha.cf' into it");
    }

    @Test
    void docsContainTheHaresourcesTableVerbatim() throws Exception {
        String text = Files.readString(Path.of("docs/haresources.md"));
        assertTrue(text.contains(HaresourcesSyntax.markdownReference()), "docs/haresources.md is out of date:"
                + " paste the output of 'hactl check-config --reference haresources' into it");
    }
}
