package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.manager.ClusterRegisters;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ResourceState;
import io.lifeline.manager.StateReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportCodecTest {

    private final ReportCodec codec = new ReportCodec();

    private static StateReport report(String node) {
        return new StateReport(node, node + "-inc", 3, 7, true, 1, GroupScope.NONE,
                Map.of("web", new StateReport.GroupReport(GroupPhase.RUNNING, false, List.of(ResourceState.STARTED))),
                List.of(), Map.of(), ClusterRegisters.EMPTY, List.of());
    }

    @Test
    void aReportSurvivesTheTrip() throws Exception {
        StateReport r = report("node2");
        assertEquals(r, codec.decode(codec.encode(r), "node2"));
        assertEquals(r, codec.decode(codec.encode(r), "NODE2"), "node names compare as Heartbeat does, ignoring case");
    }

    @Test
    void aReportSpeakingForAnotherNodeIsRefused() {
        ReportCodec.BadReport e = assertThrows(ReportCodec.BadReport.class,
                () -> codec.decode(codec.encode(report("node3")), "node2"));
        assertTrue(e.getMessage().contains("speaks for node node3"), e.getMessage());
    }

    @Test
    void garbageTruncationAndOtherVersionsAreRefusedWithAReason() {
        byte[] good = codec.encode(report("node2"));
        for (byte[] bad : List.of("".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8), "null".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2},
                java.util.Arrays.copyOf(good, good.length / 2),
                "{\"v\":2,\"report\":{}}".getBytes(StandardCharsets.UTF_8),
                "{\"v\":1,\"report\":{\"node\":\"node2\"}}".getBytes(StandardCharsets.UTF_8),
                "{\"v\":1,\"report\":{\"node\":\"node2\",\"groups\":null}}".getBytes(StandardCharsets.UTF_8))) {
            ReportCodec.BadReport e = assertThrows(ReportCodec.BadReport.class, () -> codec.decode(bad, "node2"),
                    new String(bad, StandardCharsets.UTF_8));
            assertTrue(!e.getMessage().isBlank() && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /**
     * The golden file was written by the first version-1 encoder (Jackson databind over the
     * records, 2026-12-06): every later version must read it, whatever the records are called.
     */
    @Test
    void theVersion1GoldenFileDecodesForever() throws Exception {
        byte[] golden = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/reports/v1-every-field.json"));
        assertEquals(ReportSamples.everyField(), codec.decode(golden, "node2"));
        com.fasterxml.jackson.databind.JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(golden);
        java.util.Set<String> fields = new java.util.TreeSet<>();
        tree.get("report").fieldNames().forEachRemaining(fields::add);
        assertEquals(new java.util.TreeSet<>(ReportCodec.V1_REPORT_FIELDS), fields, "the golden file uses every field");
    }

    /**
     * Optional fields added to version 1 later (claimSeq, 2026-12-06): the file with them decodes
     * to the report that has them, the encoder writes exactly that, and a node that predates them
     * (the first golden file, above) still decodes, as "not known" (claimSeq 0).
     */
    @Test
    void theOptionalFieldsGoldenFileDecodesForeverAndTheOldOneStillDoes() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        byte[] golden = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/reports/v1-optional-fields.json"));
        assertEquals(ReportSamples.everyOptionalField(), codec.decode(golden, "node2"));
        assertEquals(m.readTree(golden), m.readTree(codec.encode(ReportSamples.everyOptionalField())));
        java.util.Set<String> groupFields = new java.util.TreeSet<>();
        m.readTree(golden).get("report").get("groups").get("db").fieldNames().forEachRemaining(groupFields::add);
        assertTrue(groupFields.containsAll(ReportCodec.V1_OPTIONAL_GROUP_FIELDS), "the golden file uses every optional field");
        byte[] old = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/reports/v1-every-field.json"));
        assertEquals(0, codec.decode(old, "node2").groups().get("db").claimSeq(), "a claim without claimSeq: not known");
    }

    /**
     * The sender's membership (members, 2026-12-07): the file with it decodes to the report that
     * has it, the encoder writes exactly that, and every older file decodes as "not said" (which
     * contradicts no membership: the quorum and takeover rules treat the sender as before).
     */
    @Test
    void theMembersGoldenFileDecodesForeverAndOlderOnesSayNoMembership() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Set<String> fields = goldenRoundTrip("v1-members.json", ReportSamples.withMembers());
        assertTrue(fields.contains("members"), "the golden file has the field");
        for (String older : List.of("v1-every-field.json", "v1-optional-fields.json")) {
            StateReport r = codec.decode(java.nio.file.Files.readAllBytes(
                    java.nio.file.Path.of("src/test/resources/reports/" + older)), "node2");
            assertTrue(!r.saysMembers() && r.mayHear("node1") && r.mayHear("node3"), older);
        }
        assertTrue(!m.readTree(codec.encode(ReportSamples.everyOptionalField())).get("report").has("members"),
                "a report without a membership does not write the field");
    }

    /**
     * A stalled node's request for answers (rejoining, 2026-12-07): the golden file decodes to the
     * report, the encoder writes exactly it, older files decode as not rejoining, and a report that
     * is not rejoining does not write the field.
     */
    @Test
    void theRejoiningGoldenFileDecodesForeverAndOlderOnesAreNotRejoining() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Set<String> fields = goldenRoundTrip("v1-rejoining.json", ReportSamples.rejoining());
        assertTrue(fields.contains("rejoining"), "the golden file has the field");
        for (String older : List.of("v1-every-field.json", "v1-optional-fields.json", "v1-members.json")) {
            assertTrue(!codec.decode(java.nio.file.Files.readAllBytes(
                    java.nio.file.Path.of("src/test/resources/reports/" + older)), "node2").rejoining(), older);
        }
        assertTrue(!m.readTree(codec.encode(ReportSamples.withMembers())).get("report").has("rejoining"));
    }

    /**
     * A stalled node that confirms claims but is no candidate (recovering, 2026-12-07): the golden
     * file decodes forever, the encoder writes exactly it, and every older file decodes as not
     * recovering.
     */
    @Test
    void theRecoveringGoldenFileDecodesForeverAndOlderOnesAreNotRecovering() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Set<String> fields = goldenRoundTrip("v1-recovering.json", ReportSamples.recovering());
        assertTrue(fields.containsAll(ReportCodec.V1_OPTIONAL_REPORT_FIELDS), "the newest golden file uses every optional field");
        for (String older : List.of("v1-every-field.json", "v1-optional-fields.json", "v1-members.json", "v1-rejoining.json")) {
            assertTrue(!codec.decode(java.nio.file.Files.readAllBytes(
                    java.nio.file.Path.of("src/test/resources/reports/" + older)), "node2").recovering(), older);
        }
        assertTrue(!m.readTree(codec.encode(ReportSamples.rejoining())).get("report").has("recovering"));
    }

    /**
     * A golden file decodes to {@code sample} and {@code sample} encodes to exactly that file;
     * returns the field names of its report object.
     */
    private java.util.Set<String> goldenRoundTrip(String file, StateReport sample) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        byte[] golden = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/reports/" + file));
        assertEquals(sample, codec.decode(golden, "node2"));
        assertEquals(m.readTree(golden), m.readTree(codec.encode(sample)));
        java.util.Set<String> fields = new java.util.TreeSet<>();
        m.readTree(golden).get("report").fieldNames().forEachRemaining(fields::add);
        return fields;
    }

    @Test
    void theEncoderWritesWhatTheGoldenFileHoldsInKeyOrder() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        byte[] golden = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/reports/v1-every-field.json"));
        byte[] ours = codec.encode(ReportSamples.everyField());
        assertEquals(m.readTree(golden), m.readTree(ours), "same JSON as version 1 always sent");
        assertEquals(new String(ours, StandardCharsets.UTF_8), new String(codec.encode(ReportSamples.everyField()),
                StandardCharsets.UTF_8), "the same report is the same bytes");
    }

    @Test
    void aMissingOrRenamedFieldIsNamedNotDefaulted() throws Exception {
        String text = new String(codec.encode(report("node2")), StandardCharsets.UTF_8);
        for (String[] rename : new String[][] {{"\"lamport\"", "\"clock\"", "report without lamport"},
                {"\"holdFailback\"", "\"hold\"", "group web without holdFailback"},
                {"\"STARTED\"", "\"RUNNING\"", "resources 'RUNNING' is not known to this version"}}) {
            byte[] bad = text.replaceFirst(java.util.regex.Pattern.quote(rename[0]), rename[1]).getBytes(StandardCharsets.UTF_8);
            ReportCodec.BadReport e = assertThrows(ReportCodec.BadReport.class, () -> codec.decode(bad, "node2"));
            assertEquals(rename[2], e.getMessage());
        }
    }

    @Test
    void fieldsFromANewerNodeAreIgnored() throws Exception {
        String text = new String(codec.encode(report("node2")), StandardCharsets.UTF_8)
                .replace("\"v\":1,", "\"v\":1,\"future\":true,")
                .replace("\"ready\"", "\"newer\":{\"deep\":[1,{\"x\":null}]},\"ready\"");
        assertEquals(report("node2"), codec.decode(text.getBytes(StandardCharsets.UTF_8), "node2"));
    }

    private static final io.lifeline.config.ConfigDigest DIGEST = new io.lifeline.config.ConfigDigest(
            "0123456789abcdef", "fedcba9876543210", "00112233aabbccdd", Map.of("web", "aaaabbbbccccdddd"));

    @Test
    void theConfigurationDigestTravelsBesideTheReportAndIsOptional() throws Exception {
        StateReport r = report("node2");
        ReportCodec.Decoded d = codec.decodeWithConfig(codec.encode(r, DIGEST), "node2");
        assertEquals(r, d.report());
        assertEquals(java.util.Optional.of(DIGEST), d.config());
        assertEquals(java.util.Optional.empty(), codec.decodeWithConfig(codec.encode(r), "node2").config(),
                "a node that advertises none (an older version) is told apart");
        assertEquals(r, codec.decode(codec.encode(r, DIGEST), "node2"), "the manager's decoding ignores it");
    }

    /** Written 2026-12-07 by the first encoder with the configuration digest: must decode forever. */
    @Test
    void theConfigDigestGoldenFileDecodesForever() throws Exception {
        byte[] golden = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/reports/v1-config-digest.json"));
        ReportCodec.Decoded d = codec.decodeWithConfig(golden, "node2");
        assertEquals(ReportSamples.everyOptionalField(), d.report());
        assertEquals(java.util.Optional.of(DIGEST), d.config());
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(m.readTree(golden), m.readTree(codec.encode(ReportSamples.everyOptionalField(), DIGEST)));
    }

    @Test
    void aMalformedDigestIsNamed() {
        String text = new String(codec.encode(report("node2"), DIGEST), StandardCharsets.UTF_8)
                .replace("\"hacf\":\"0123456789abcdef\",", "");
        ReportCodec.BadReport e = assertThrows(ReportCodec.BadReport.class,
                () -> codec.decodeWithConfig(text.getBytes(StandardCharsets.UTF_8), "node2"));
        assertEquals("config without hacf", e.getMessage());
    }
}
