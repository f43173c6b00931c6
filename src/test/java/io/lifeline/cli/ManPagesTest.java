package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.config.AuthMethod;
import io.lifeline.config.HaCfKeywords;
import io.lifeline.config.HaresourcesSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The generated manual pages and completion cover everything the program and its tables know. */
class ManPagesTest {

    private final ManPages pages = new ManPages("1.2.3");

    @Test
    void hactlPageHasEverySubcommandAndOption() {
        CommandLine root = Hactl.newCommandLine();
        String page = pages.hactl(root);
        List<CommandSpec> all = new ArrayList<>();
        collect(root.getCommandSpec(), all);
        assertTrue(all.size() > 15, "expected every subcommand, got " + all.size());
        for (CommandSpec c : all) {
            if (c.parent() == null) {
                continue;
            }
            assertTrue(page.contains(".SS \"" + ManPages.escape(c.qualifiedName(" "))),
                    "hactl(8) lacks '" + c.qualifiedName(" ") + "'");
            for (OptionSpec o : c.options()) {
                if (!o.hidden() && !o.usageHelp() && !o.versionHelp()) {
                    assertTrue(page.contains(ManPages.escape(o.longestName())),
                            "hactl(8) lacks " + c.qualifiedName(" ") + " " + o.longestName());
                }
            }
        }
        assertTrue(page.startsWith(".\\\" Generated") && page.contains(".TH HACTL 8 \"\" \"Lifeline 1.2.3\""));
        assertFalse(page.contains("%n"), "picocli format escapes must not reach the page");
        assertTrue(page.contains("[IPaddr::|\\:IPaddr2::|\\:"), "an overlong word gets break points");
    }

    @Test
    void configPagesHaveEveryEntryOfTheirTables() {
        String haCf = pages.haCf();
        HaCfKeywords.ALL.values().forEach(k -> assertTrue(haCf.contains(".B \"" + ManPages.escape(k.syntax())),
                "ha.cf(5) lacks " + k.name()));
        String haresources = pages.haresources();
        HaresourcesSyntax.FORMS.forEach(f -> assertTrue(haresources.contains(ManPages.escape(f.syntax())),
                "haresources(5) lacks " + f.syntax()));
        String authkeys = pages.authkeys();
        for (AuthMethod m : AuthMethod.values()) {
            assertTrue(authkeys.contains(".B \"" + m.name().toLowerCase(Locale.ROOT) + "\""), "authkeys(5) lacks " + m);
        }
    }

    @Test
    void noTextLineStartsWithARoffControlCharacterByAccident() {
        for (String page : List.of(pages.hactl(Hactl.newCommandLine()), pages.haCf(), pages.haresources(),
                pages.authkeys())) {
            for (String line : page.split("\n")) {
                if (line.startsWith(".") || line.startsWith("'")) {
                    assertTrue(line.matches("\\.(\\\\\"|TH|SH|SS|PP|TP|B|BR|RI|nf|fi|RS|RE)( .*)?"),
                            "unexpected request line: " + line);
                }
            }
        }
    }

    @Test
    void writesCompressedPagesAndTheBashCompletion(@TempDir Path dir) throws IOException {
        PackageDocs.writeAll(dir, "1.2.3");
        for (String name : ManPages.pageNames()) {
            Path gz = dir.resolve("man").resolve(name + ".gz");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                assertTrue(out.toString(StandardCharsets.UTF_8).contains(".TH "), name);
            }
        }
        String completion = Files.readString(dir.resolve("completion/hactl"));
        assertTrue(completion.contains("complete -F _complete_hactl"), "bash completion registers hactl");
        assertTrue(completion.contains("check-config") && completion.contains("--reference"));
        assertEquals(List.of("hactl.8", "ha.cf.5", "haresources.5", "authkeys.5"), ManPages.pageNames());
    }

    private static void collect(CommandSpec c, List<CommandSpec> out) {
        out.add(c);
        c.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), out));
    }
}
