package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileReaderTest {

    @TempDir
    Path dir;

    private final Diagnostics diag = new Diagnostics();

    private List<String> lines(byte[] content, ConfigFileReader.Encoding encoding) throws Exception {
        Path f = dir.resolve("f.conf");
        Files.write(f, content);
        return ConfigFileReader.lines(f, encoding, diag).orElseThrow();
    }

    @Test
    void badLinesAreReportedAtTheirNumberAndHandedOnEmpty() throws Exception {
        byte[] text = "one\r\ntw\0o\nthr\u00e9e\nfour".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("one", "", "", "four"), lines(text, ConfigFileReader.Encoding.UTF8));
        Path f = dir.resolve("f.conf");
        assertEquals(List.of(f + ":2: error: NUL byte in the line (a text file has none)",
                f + ":3: error: not valid UTF-8"), diag.problems().stream().map(Object::toString).toList());
    }

    @Test
    void latin1AcceptsAnyByteButNul() throws Exception {
        byte[] text = "node \u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("node \u00e9"), lines(text, ConfigFileReader.Encoding.LATIN1));
        assertTrue(diag.problems().isEmpty());
    }

    @Test
    void aBinaryFileGivesABoundedNumberOfErrors() throws Exception {
        byte[] junk = "\0\n".repeat(1_000).getBytes(StandardCharsets.US_ASCII);
        assertEquals(1_000, lines(junk, ConfigFileReader.Encoding.LATIN1).size());
        assertEquals(ConfigFileReader.MAX_LINE_PROBLEMS + 1, diag.problems().size());
        assertTrue(diag.problems().get(ConfigFileReader.MAX_LINE_PROBLEMS).message()
                .startsWith("980 more lines with problems not listed"), diag.problems().toString());
    }

    @Test
    void aDirectoryOrAMissingFileIsNotRead() {
        assertEquals("not a regular file (a directory)",
                assertThrows(ConfigFileReader.Unreadable.class, () -> ConfigFileReader.bytes(dir)).getMessage());
        assertEquals("no such file", assertThrows(ConfigFileReader.Unreadable.class,
                () -> ConfigFileReader.bytes(dir.resolve("none"))).getMessage());
    }
}
