package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.process.ProcessRunner;
import io.lifeline.cli.Hactl;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.control.ControlServer;
import io.lifeline.manager.FencingSettings;
import io.lifeline.manager.ManagerAction;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerInput;
import io.lifeline.manager.ManagerSettings;
import io.lifeline.manager.ResourceManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The runtime's side of two operator-facing features: running the fence hook against a peer in
 * the fence-agent convention, and {@code hactl unpin} from the command line through the control
 * socket to the manager.
 */
class OperatorAndFenceRuntimeTest {

    @TempDir
    Path dir;
    private ManagerRuntime runtime;
    private ControlServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private ManagerRuntime runtime(ManagerSettings settings) {
        ResourceSpec spec = new ResourceSpec("Recording", List.of("x"), "Recording::x", 1);
        ManagerConfig cfg = new ManagerConfig("node1", List.of("node1", "node2"),
                List.of(new ResourceGroup("node1", List.of(spec), 1)), AutoFailback.ON, Duration.ofSeconds(10),
                settings);
        ResourceManager manager = new ResourceManager(cfg, "node1-test");
        runtime = new ManagerRuntime(manager, Map.of(spec.word(), new AgentWarmUpTest.RecordingAgent()),
                payload -> { }, new NotifyExecutor(List.of()), new ProcessRunner(),
                () -> System.nanoTime() / 1_000_000L, Clock.systemUTC(), new InputJournal(100), dir.resolve("state"),
                status -> { });
        return runtime;
    }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static ManagerAction.RunPeerFence fence(Path hook, Duration timeout) {
        return new ManagerAction.RunPeerFence(7, hook, "node2", List.of("db", "web"), timeout,
                Map.of("ipaddr", "192.0.2.9"), "node2 left the membership");
    }

    @Test
    void thePeerFenceFollowsTheFenceAgentCallingConvention() throws Exception {
        Path seen = dir.resolve("seen");
        Path hook = script("fence.sh", "{ echo \"args=$#\"; cat; echo \"node=$LIFELINE_FENCE_NODE groups=$LIFELINE_GROUPS"
                + " by=$LIFELINE_NODE action=$LIFELINE_FENCE_ACTION\"; } > " + seen + "\nexit 0\n");
        ManagerInput.FenceCompleted done = runtime(ManagerSettings.defaults()).runPeerFence(fence(hook, Duration.ofSeconds(10)));
        assertTrue(done.success(), done.toString());
        assertEquals(7, done.fenceId());
        assertEquals(List.of("args=0", "action=reboot", "port=node2", "nodename=node2", "ipaddr=192.0.2.9",
                "node=node2 groups=db,web by=node1 action=reboot"), Files.readAllLines(seen));
    }

    @Test
    void aFailedFenceReportsItsExitCodeAndFirstStderrLine() throws Exception {
        Path hook = script("fence.sh", "cat >/dev/null\necho '' >&2\necho 'Unable to connect/login to fencing device' >&2\n"
                + "echo 'second line' >&2\nexit 1\n");
        ManagerInput.FenceCompleted done = runtime(ManagerSettings.defaults()).runPeerFence(fence(hook, Duration.ofSeconds(10)));
        assertFalse(done.success());
        assertEquals(1, done.exitCode());
        assertEquals("Unable to connect/login to fencing device", done.detail());
    }

    @Test
    void aHangingFenceIsKilledAtItsTimeout() throws Exception {
        Path hook = script("fence.sh", "exec sleep 30\n");
        ManagerInput.FenceCompleted done = runtime(ManagerSettings.defaults()).runPeerFence(fence(hook, Duration.ofMillis(300)));
        assertFalse(done.success());
        assertEquals(-1, done.exitCode());
        assertTrue(done.detail().startsWith("timed out: timed out after"), done.detail());
        assertTrue(done.durationMs() < 10_000, "killed, not waited for: " + done.durationMs());
    }

    @Test
    void hactlUnpinReachesTheManagerThroughTheControlSocket() throws Exception {
        ManagerSettings settings = ManagerSettings.defaults().withFenceHook(Path.of("/bin/true"))
                .withFencing(new FencingSettings(true, Duration.ofSeconds(5), Map.of()));
        runtime(settings).start();
        Path socket = dir.resolve("run/hactl.sock");
        server = new ControlServer(socket);
        io.lifeline.config.GroupNames names = io.lifeline.config.GroupNames.derived(new io.lifeline.config.Haresources(
                Path.of("haresources"), runtime.query(m -> m.config().groups())));
        new OperatorHandlers(runtime, () -> names).registerOn(server);
        server.start();

        assertEquals(List.of("unpin: no group is pinned"), hactl(0, "unpin", "--socket", socket.toString()));
        // the manager needs a membership before it accepts a takeover; a node alone after initdead
        runtime.onEvent(new io.lifeline.cluster.ClusterEvent.MembershipSnapshot(List.of("node1"), 1, false, true, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.status().startupComplete());
        hactl(0, "takeover", "Recording:x", "--socket", socket.toString()); // the group's short name
        await().atMost(Duration.ofSeconds(10)).until(() -> !runtime.status().pins().isEmpty());
        assertEquals("node1", runtime.status().pins().get(0).node());

        List<String> err = hactl(3, "unpin", "nosuchgroup", "--socket", socket.toString());
        assertTrue(err.get(0).startsWith("hactl unpin: no group named nosuchgroup in haresources"), err.toString());
        assertEquals(List.of("unpin: cleared Recording::x (was pinned to node1) on every node; placement decides again"),
                hactl(0, "unpin", "Recording::x", "--socket", socket.toString()));
        assertEquals(List.of(), runtime.status().pins());
    }

    /** Runs hactl in-process; returns stdout lines (or stderr's when the exit status is not 0). */
    private static List<String> hactl(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Hactl.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        assertEquals(expectedExit, exit, "hactl " + String.join(" ", args) + ": " + out + err);
        return (exit == 0 ? out : err).toString().lines().toList();
    }
}
