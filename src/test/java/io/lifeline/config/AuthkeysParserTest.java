package io.lifeline.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthkeysParserTest {

    @TempDir
    Path dir;

    private final Diagnostics diag = new Diagnostics();

    private Optional<Authkeys> parse(String content, boolean allowCrc) {
        return AuthkeysParser.parse(ConfigFiles.write(dir, "authkeys", content), allowCrc, true, diag);
    }

    @Test
    void allKeysAreKeptAndAuthNamesTheSigningKey() {
        Authkeys k = parse("auth 2\n1 sha1 old-secret-with-spaces inside\n2 sha256 0123456789abcdef0123\n", false)
                .orElseThrow();
        assertEquals(2, k.signingKeyId());
        assertEquals(AuthMethod.SHA256, k.signingKey().method());
        assertArrayEquals("old-secret-with-spaces inside".getBytes(StandardCharsets.UTF_8), k.keys().get(1).secret());
    }

    @Test
    void refusesGroupOrWorldReadableFile() throws Exception {
        Path p = ConfigFiles.write(dir, "authkeys", "auth 1\n1 sha256 0123456789abcdef0123\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(AuthkeysParser.parse(p, false, true, diag).isEmpty());
        assertTrue(diag.errors().get(0).message().contains("must be mode 600"));
    }

    @Test
    void crcIsRefusedUnlessAllowedAndThenWarnsLoudly() {
        assertTrue(parse("auth 1\n1 crc\n", false).isEmpty());
        assertTrue(diag.errors().get(0).message().contains("authenticates nothing"));
        Diagnostics d2 = new Diagnostics();
        Path p = ConfigFiles.write(dir, "authkeys", "auth 1\n1 crc\n");
        assertTrue(AuthkeysParser.parse(p, true, true, d2).isPresent());
        assertTrue(d2.warnings().stream().anyMatch(w -> w.message().contains("NOT authenticated")));
    }

    @Test
    void reportsEachMalformedLine() {
        assertTrue(parse("auth 1\nauth 2\n1 sha3 x\n16 sha1 abc\n1\n2 sha1\nhello\n", false).isEmpty());
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 2 && p.message().contains("second 'auth'")));
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 3 && p.message().contains("unknown method 'sha3'")));
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 4));
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 5 && p.message().contains("no method")));
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 6 && p.message().contains("no secret")));
        assertTrue(diag.errors().stream().anyMatch(p -> p.line() == 7));
    }

    @Test
    void missingAuthLineOrUndefinedSigningKeyIsAnError() {
        assertTrue(parse("1 sha256 0123456789abcdef0123\n", false).isEmpty());
        assertTrue(diag.errors().get(0).message().contains("no 'auth N' line"));
        Diagnostics d2 = new Diagnostics();
        Path p = ConfigFiles.write(dir, "authkeys", "auth 3\n1 sha256 0123456789abcdef0123\n");
        assertTrue(AuthkeysParser.parse(p, false, true, d2).isEmpty());
        assertTrue(d2.errors().get(0).message().contains("not defined"));
    }

    @Test
    void shortSecretsAndMd5DrawWarnings() {
        assertTrue(parse("auth 1\n1 md5 short\n", false).isPresent());
        assertTrue(diag.warnings().stream().anyMatch(w -> w.message().contains("short secret")));
        assertTrue(diag.warnings().stream().anyMatch(w -> w.message().contains("md5")));
    }

    @Test
    void secretsNeverAppearInToString() {
        Authkeys k = parse("auth 1\n1 sha256 topsecret-topsecret\n", false).orElseThrow();
        assertFalse(k.toString().contains("topsecret"));
    }
}
