package io.lifeline.ipvs.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.Keyword;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IPVS keyword table and the parser agree, and docs/ipvs.md shows the table. */
class IpvsKeywordsTest {

    private static final Path FILE = Path.of("/etc/ha.d/ipvs.conf");

    /** A file with {@code %s} where a keyword of that block goes. */
    private static final Map<String, String> IN_BLOCK = Map.of(
            IpvsKeywords.TOP, "%s\nvirtual_server 203.0.113.11 80 {\nreal_server 203.0.113.21 80 {\n}\n}\n",
            IpvsKeywords.VIRTUAL_SERVER, "virtual_server 203.0.113.10 80 {\n%s\nreal_server 203.0.113.21 80 {\n}\n}\n",
            IpvsKeywords.REAL_SERVER, "virtual_server 203.0.113.10 80 {\nreal_server 203.0.113.21 80 {\n%s\n}\n}\n",
            IpvsKeywords.TCP_CHECK, "virtual_server 203.0.113.10 80 {\nreal_server 203.0.113.21 80 {\n"
                    + "TCP_CHECK {\n%s\n}\n}\n}\n",
            IpvsKeywords.HTTP_GET, "virtual_server 203.0.113.10 80 {\nreal_server 203.0.113.21 80 {\n"
                    + "HTTP_GET {\nurl {\npath /\n}\n%s\n}\n}\n}\n",
            IpvsKeywords.MISC_CHECK, "virtual_server 203.0.113.10 80 {\nreal_server 203.0.113.21 80 {\n"
                    + "MISC_CHECK {\nmisc_path /bin/true\n%s\n}\n}\n}\n",
            IpvsKeywords.URL, "virtual_server 203.0.113.10 80 {\nreal_server 203.0.113.21 80 {\n"
                    + "HTTP_GET {\nurl {\npath /\n%s\n}\n}\n}\n}\n");

    private static Diagnostics parse(String section, String line) {
        Diagnostics d = new Diagnostics();
        IpvsConfigParser.parseText(FILE, IN_BLOCK.get(section).replace("%s", line), d);
        return d;
    }

    @Test
    void everyBlockOfTheTableHasATemplate() {
        IpvsKeywords.ALL.forEach(k -> assertTrue(IN_BLOCK.keySet().containsAll(k.sections()), k.toString()));
    }

    @Test
    void theParserReadsEveryUsedKeywordInEveryBlockTheTableAllowsItIn() {
        for (Keyword<Void> k : IpvsKeywords.ALL) {
            if (k.status() != Keyword.Status.USED) {
                continue;
            }
            for (String section : k.sections()) {
                for (String args : List.of("", " 1", " 203.0.113.30", " { }")) {
                    Diagnostics d = parse(section, k.name() + args);
                    assertTrue(d.problems().stream().noneMatch(p -> p.message().contains("unknown or unsupported")),
                            () -> k.name() + " in " + section + " is in the table but unknown to the parser: "
                                    + d.problems());
                }
            }
        }
    }

    @Test
    void keywordsLeftOutWarnWithTheTablesReasonAndNeverFail() {
        for (Keyword<Void> k : IpvsKeywords.ALL) {
            if (k.status() == Keyword.Status.USED) {
                continue;
            }
            for (String section : k.sections()) {
                String line = k.name() + (section.equals(IpvsKeywords.TOP) ? " {\n}" : " 1");
                Diagnostics d = parse(section, line);
                String expected = k.status() == Keyword.Status.IGNORED ? k.name() + " is ignored: " + k.meaning()
                        : k.meaning().equals(IpvsKeywords.NO_EFFECT) ? k.name() + " is not supported and is ignored"
                        : k.name() + " is not supported: " + k.meaning();
                assertTrue(d.warnings().stream().anyMatch(p -> p.message().equals(expected)),
                        () -> k.name() + " in " + section + ": " + d.problems());
                assertTrue(d.errors().isEmpty(), () -> k.name() + " in " + section + ": " + d.errors());
            }
        }
    }

    @Test
    void aWordMissingFromTheTableIsUnknown() {
        Diagnostics d = parse(IpvsKeywords.REAL_SERVER, "weigth 3");
        assertTrue(d.warnings().stream().map(ConfigProblem::message)
                .anyMatch("unknown or unsupported keyword 'weigth' in real_server, ignored"::equals), d.toString());
    }

    @Test
    void docsContainTheIpvsTableVerbatim() throws Exception {
        String text = Files.readString(Path.of("docs/ipvs.md"));
        assertTrue(text.contains(IpvsKeywords.markdownReference()),
                "docs/ipvs.md must contain IpvsKeywords.markdownReference() verbatim; regenerate it with "
                        + "hactl check-config --reference ipvs");
    }
}
