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
        for (byte[] bad : List.of("".getBytes(), "{".getBytes(), "null".getBytes(), new byte[] {0, 1, 2},
                java.util.Arrays.copyOf(good, good.length / 2),
                "{\"v\":2,\"report\":{}}".getBytes(StandardCharsets.UTF_8),
                "{\"v\":1,\"report\":{\"node\":\"node2\"}}".getBytes(StandardCharsets.UTF_8),
                "{\"v\":1,\"report\":{\"node\":\"node2\",\"groups\":null}}".getBytes(StandardCharsets.UTF_8))) {
            ReportCodec.BadReport e = assertThrows(ReportCodec.BadReport.class, () -> codec.decode(bad, "node2"),
                    new String(bad, StandardCharsets.UTF_8));
            assertTrue(!e.getMessage().isBlank() && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void fieldsFromANewerNodeAreIgnored() throws Exception {
        String text = new String(codec.encode(report("node2")), StandardCharsets.UTF_8)
                .replace("\"v\":1,", "\"v\":1,\"future\":true,");
        assertEquals(report("node2"), codec.decode(text.getBytes(StandardCharsets.UTF_8), "node2"));
    }
}
