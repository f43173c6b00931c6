package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageDocsTest {

    @TempDir
    Path dir;

    @Test
    void gzipIsMaximalCompressionWithoutTimeStampAndReadsBack() throws IOException {
        String text = ".TH HACTL 8\n" + "the same line again and again\n".repeat(200);
        Path file = dir.resolve("x.8.gz");
        PackageDocs.gzip(file, text);
        byte[] raw = Files.readAllBytes(file);
        assertEquals(0, raw[4] | raw[5] | raw[6] | raw[7], "no time stamp: the same input builds the same package");
        assertEquals(2, raw[8], "XFL flags the best compression (lintian: poor-compression-in-manual-page)");
        assertEquals(3, raw[9], "OS is Unix, as gzip writes it on Linux");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            assertEquals(text, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void completionIsSourcedSoItHasNoInterpreterLine() throws IOException {
        PackageDocs.writeAll(dir, "1.0");
        String script = Files.readString(dir.resolve("completion/hactl"));
        assertFalse(script.startsWith("#!"), "lintian: bash-completion-with-hashbang");
        assertTrue(script.contains("complete -F"), "still the picocli completion: " + script.substring(0, 80));
        assertEquals("echo\n", PackageDocs.withoutInterpreterLine("#!/usr/bin/env bash\necho\n"));
    }

    /** The package's version is the project's, and so must be the changelog's newest entry. */
    @Test
    void newestChangelogEntryIsTheProjectVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher v = Pattern.compile("<artifactId>lifeline</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(v.find(), "project version in pom.xml");
        String debian = v.group(1).replace("-SNAPSHOT", "~SNAPSHOT"); // jdeb's mapping of a snapshot
        String first = Files.readAllLines(Path.of("packaging/debian/changelog")).get(0);
        Matcher entry = Pattern.compile("^lifeline \\(([^)]+)\\) (\\S+); urgency=\\w+$").matcher(first);
        assertTrue(entry.matches(), "Debian changelog header: " + first);
        assertEquals(debian, entry.group(1), "packaging/debian/changelog needs an entry for " + debian);
        if (debian.contains("~SNAPSHOT")) {
            assertEquals("UNRELEASED", entry.group(2), "a snapshot is not released");
        }
    }
}
