package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropagationMessageTest {

    @TempDir
    Path dir;

    @Test
    void aLargeBundleIsCutIntoChunksThatFitAMessageAndPutTogetherAgain() throws Exception {
        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("ha.cf", "node n1 n2\n".getBytes(StandardCharsets.ISO_8859_1));
        files.put("haresources", big);
        files.put("authkeys", "auth 1\n1 sha256 s\n".getBytes(StandardCharsets.ISO_8859_1));
        List<byte[]> chunks = PropagationMessage.chunks("id1", "n1", PropagationMessage.bundle(files));
        assertTrue(chunks.size() > 1);
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (byte[] c : chunks) {
            assertTrue(PropagationMessage.isPropagation(c));
            assertTrue(c.length < 30_000, "each message far below FRAG2's 60 KB: " + c.length);
            PropagationMessage.Chunk chunk = (PropagationMessage.Chunk) PropagationMessage.decode(c).orElseThrow();
            assertEquals(chunks.size(), chunk.count());
            joined.write(chunk.data());
        }
        Map<String, byte[]> back = PropagationMessage.unbundle(joined.toByteArray());
        assertArrayEquals(big, back.get("haresources"));
        assertEquals(List.of("ha.cf", "haresources", "authkeys"), new ArrayList<>(back.keySet()));
    }

    @Test
    void resultsRoundTripAndBadMessagesAreNamed() throws Exception {
        PropagationMessage.Result r = new PropagationMessage.Result("id", "n2", "n1", false, "refused", List.of("x:1: e"));
        assertEquals(Optional.of(r), PropagationMessage.decode(PropagationMessage.result(r)));
        assertTrue(!PropagationMessage.isPropagation("{\"v\":1}".getBytes(StandardCharsets.UTF_8)), "reports are not");
        PropagationMessage.BadMessage e = assertThrows(PropagationMessage.BadMessage.class, () -> PropagationMessage.decode(
                "LLP1{\"t\":\"chunk\",\"id\":\"a\",\"from\":\"n1\",\"i\":0,\"n\":1000,\"data\":\"\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("chunk 0 of 1000 is out of range (at most 64 chunks)", e.getMessage());
        // a chunk larger than the sender would ever cut: refused before anything is buffered
        String huge = java.util.Base64.getEncoder().encodeToString(new byte[PropagationMessage.CHUNK_BYTES + 1]);
        PropagationMessage.BadMessage big = assertThrows(PropagationMessage.BadMessage.class, () -> PropagationMessage.decode(
                ("LLP1{\"t\":\"chunk\",\"id\":\"a\",\"from\":\"n1\",\"i\":0,\"n\":2,\"data\":\"" + huge + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("chunk 0 holds 16385 bytes (at most 16384)", big.getMessage());
        assertThrows(PropagationMessage.BadMessage.class, () -> PropagationMessage.decode("LLP1[".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), PropagationMessage.decode(
                "LLP1{\"t\":\"future\",\"id\":\"a\",\"from\":\"n1\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void installKeepsABackupWritesAuthkeys600AndRestorePutsTheOldFilesBack() throws Exception {
        Files.writeString(dir.resolve("haresources"), "old\n");
        Files.writeString(dir.resolve("authkeys"), "old keys\n");
        Files.setPosixFilePermissions(dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-------"));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("haresources", "new\n".getBytes(StandardCharsets.UTF_8));
        files.put("authkeys", "new keys\n".getBytes(StandardCharsets.UTF_8));
        PropagatedFiles.Installed installed = PropagatedFiles.install(dir, files);
        assertEquals("new\n", Files.readString(dir.resolve("haresources")));
        assertEquals("old\n", Files.readString(dir.resolve("haresources.bak")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("authkeys"))));
        installed.restore();
        assertEquals("old\n", Files.readString(dir.resolve("haresources")));
        assertEquals("old keys\n", Files.readString(dir.resolve("authkeys")));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("authkeys", "authkeys.bak", "haresources", "haresources.bak"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void checkNamesProblemsAsTheInstalledFilesWouldBeNamed() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("ha.cf", "node n1 n2\nbcast lo\n".getBytes(StandardCharsets.UTF_8));
        files.put("haresources", "n3 IPaddr2::198.51.100.10/24/lo\n".getBytes(StandardCharsets.UTF_8));
        files.put("authkeys", "auth 1\n1 sha256 s\n".getBytes(StandardCharsets.UTF_8));
        List<String> problems = PropagatedFiles.check(dir, files);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(dir.resolve("haresources") + ":1: error"), problems.get(0));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "the scratch directory is gone");
        }
    }
}
