package io.lifeline.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.config.AutoFailback;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.manager.ManagerSettings;
import io.lifeline.manager.ResourceManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The runtime warms each agent up once, before its first probe (ResourceAgent.warmUp). */
class AgentWarmUpTest {

    /** Records the actions it is asked for; the resource is not running. */
    static class RecordingAgent implements ResourceAgent {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "Recording";
        }

        @Override
        public String instance() {
            return "Recording::x";
        }

        @Override
        public void warmUp(Duration timeout) {
            calls.add("warmUp");
        }

        @Override
        public AgentResult start(Duration timeout) {
            calls.add("start");
            return AgentResult.ok();
        }

        @Override
        public AgentResult stop(Duration timeout) {
            calls.add("stop");
            return AgentResult.ok();
        }

        @Override
        public AgentResult monitor(Duration timeout) {
            calls.add("monitor");
            return AgentResult.notRunning("not running");
        }

        @Override
        public AgentResult validate(Duration timeout) {
            return AgentResult.ok();
        }

        @Override
        public String metaData() {
            return "";
        }
    }

    @Test
    void eachAgentWarmsUpOnceBeforeItsFirstProbe() {
        RecordingAgent agent = new RecordingAgent();
        ResourceSpec spec = new ResourceSpec("Recording", List.of("x"), "Recording::x", 1);
        ManagerConfig cfg = new ManagerConfig("node1", List.of("node1", "node2"),
                List.of(new ResourceGroup("node1", List.of(spec), 1)), AutoFailback.ON, Duration.ofSeconds(10),
                ManagerSettings.defaults());
        ManagerRuntime runtime = new ManagerRuntime(new ResourceManager(cfg, "node1-test"),
                Map.of(spec.word(), agent), payload -> { }, new NotifyExecutor(List.of()), new ProcessRunner(),
                () -> System.nanoTime() / 1_000_000L, Clock.systemUTC(),
                new InputJournal(100), Path.of("target", "journals"), status -> { });
        try {
            runtime.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.calls.contains("monitor"));
            assertEquals(List.of("warmUp", "monitor"), agent.calls, "warm-up first, then the probe");
        } finally {
            runtime.close();
        }
    }
}
