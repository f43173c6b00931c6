package io.lifeline.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.OcfStatus;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.ClusterRegisters;
import io.lifeline.manager.GroupPhase;
import io.lifeline.manager.GroupScope;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerInput;
import io.lifeline.manager.ManagerSettings;
import io.lifeline.manager.Now;
import io.lifeline.manager.OperatorCommand;
import io.lifeline.manager.ResourcePolicy;
import io.lifeline.manager.ResourceState;
import io.lifeline.manager.StateReport;
import io.lifeline.manager.TieBreaker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputJournalTest {

    @TempDir
    Path dir;

    private static ManagerConfig config() {
        List<ResourceSpec> web = List.of(new ResourceSpec("web", List.of(), "web", 1),
                new ResourceSpec("nginx", List.of("/etc/nginx.conf"), "nginx::/etc/nginx.conf", 1));
        return new ManagerConfig("node1", List.of("node1", "node2"), List.of(new ResourceGroup("node1", web, 1)),
                AutoFailback.ON, Duration.ofSeconds(10), ManagerSettings.defaults()
                        .withTieBreaker(new TieBreaker.Named("node2"))
                        .withStallThreshold(Duration.ofMillis(1500))
                        .withResourcePolicies(Map.of("web", ResourcePolicy.DEFAULT))
                        .withFenceHook(Path.of("/usr/sbin/fence_ipmilan"))
                        .withFencing(new io.lifeline.manager.FencingSettings(true, Duration.ofSeconds(45),
                                Map.of("ipaddr", "192.0.2.9"))));
    }

    private static StateReport report() {
        return new StateReport("node2", "node2-inc1", 7, 3, true, 1, GroupScope.NONE,
                Map.of("web", new StateReport.GroupReport(GroupPhase.RUNNING, false,
                        List.of(ResourceState.STARTED, ResourceState.STARTED))),
                List.of(new StateReport.FailureReport("web", "nginx", 1, 3, false)),
                Map.of("node1", new StateReport.SeenMark("node1-inc1", 4)), ClusterRegisters.EMPTY, List.of("db"));
    }

    @Test
    void everyKindOfInputSurvivesADumpAndARead() throws Exception {
        List<ManagerInput> inputs = List.of(
                new ManagerInput.MembershipChanged(List.of("node1", "node2"), true, 5),
                new ManagerInput.PeerReport(report()),
                new ManagerInput.ActionCompleted(12, OcfStatus.ERR_GENERIC, "agent failed: x", 40),
                new ManagerInput.Tick(),
                new ManagerInput.ConnectivityChanged(2),
                new ManagerInput.Command(1, new OperatorCommand.Failover("web", Optional.of("node2"))),
                new ManagerInput.Command(2, new OperatorCommand.Failover("web", Optional.empty())),
                new ManagerInput.Command(3, new OperatorCommand.Standby(GroupScope.LOCAL)),
                new ManagerInput.Command(4, new OperatorCommand.Online()),
                new ManagerInput.Command(5, new OperatorCommand.Cleanup(Optional.of("nginx"))),
                new ManagerInput.Command(6, new OperatorCommand.Maintenance(true)),
                new ManagerInput.Command(7, new OperatorCommand.TakeoverGroup("web")),
                new ManagerInput.StallDetected(2_000, 4),
                new ManagerInput.InitdeadElapsed(),
                new ManagerInput.Command(8, new OperatorCommand.Unpin(Optional.of("web"))),
                new ManagerInput.Command(9, new OperatorCommand.Unpin(Optional.empty())),
                new ManagerInput.FenceCompleted(3, false, 1, "Unable to connect/login to fencing device", 812));
        InputJournal journal = new InputJournal(100);
        journal.booted(Now.at(10));
        for (int i = 0; i < inputs.size(); i++) {
            journal.record(Now.at(100 + i), inputs.get(i));
        }
        Path file = dir.resolve("inputs.jsonl");
        ManagerConfig cfg = config();
        journal.write(file, cfg, "node1-inc1", "test", Instant.parse("2026-12-06T18:00:00Z"));

        InputJournal.Dump dump = InputJournal.read(file);
        assertEquals(inputs, dump.entries().stream().map(InputJournal.Entry::input).toList());
        assertEquals(Now.at(113), dump.entries().get(13).time());
        assertEquals(cfg, dump.header().config());
        assertEquals(Now.at(10), dump.header().bootedAt());
        assertEquals("node1-inc1", dump.header().incarnation());
        assertEquals(inputs.size() + 1, Files.readAllLines(file).size(), "one line each, after the header");
        assertTrue(Files.readAllLines(file).get(4).contains("\"type\":\"Tick\""), Files.readAllLines(file).get(4));
    }

    @Test
    void aDumpReplacesTheOldOneWholeAndOnlyItsOwnerCanReadIt() throws Exception {
        Path file = dir.resolve("inputs.jsonl");
        Files.writeString(file, "an older dump that was longer than the new one\n".repeat(50));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        InputJournal journal = new InputJournal(10);
        journal.record(Now.at(1), new ManagerInput.Tick());
        journal.write(file, config(), "node1-inc1", "test", Instant.parse("2026-12-06T18:00:00Z"));

        assertEquals(1, InputJournal.read(file).entries().size());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file left beside it");
        }
    }

    @Test
    void theJournalKeepsTheNewestInputsAndCountsTheDroppedOnes() {
        InputJournal journal = new InputJournal(3);
        for (int i = 0; i < 5; i++) {
            journal.record(Now.at(i), new ManagerInput.ConnectivityChanged(i));
        }
        assertEquals(List.of(3L, 4L, 5L), journal.entries().stream().map(InputJournal.Entry::seq).toList());
        assertEquals(2, journal.dropped());
    }

    @Test
    void aDamagedDumpIsAnErrorNamingFileAndLine() throws Exception {
        InputJournal journal = new InputJournal(10);
        journal.record(Now.at(1), new ManagerInput.Tick());
        Path file = dir.resolve("inputs.jsonl");
        journal.write(file, config(), "node1-inc1", "test", Instant.EPOCH);
        Files.writeString(file, Files.readString(file) + "{\"seq\":2,\"input\":{\"type\":\"NoSuchInput\"}}\n");
        InputJournal.BadDump e = assertThrows(InputJournal.BadDump.class, () -> InputJournal.read(file));
        assertTrue(e.getMessage().startsWith(file + ":3: "), e.getMessage());
    }
}
