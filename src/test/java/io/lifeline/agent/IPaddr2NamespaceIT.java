package io.lifeline.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeline.agent.script.OcfScriptAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.config.ResourceSpec;
import io.lifeline.lab.Lab;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real ocf:heartbeat:IPaddr2 agent adding and removing a virtual IP inside a lab namespace.
 * The test JVM cannot enter a namespace, so the runner puts {@code ip netns exec NS} before
 * every command; ip netns exec execs the agent, which keeps it the leader of the new process
 * group, so the timeout kill still works.
 */
class IPaddr2NamespaceIT {

    private static final Duration T = Duration.ofSeconds(60);
    private static final String VIP = "198.51.100.10";

    @Test
    void addsTheAddressClientsReachItAndStopRemovesIt() {
        assumeTrue(Files.isExecutable(AgentSearchPath.OCF_ROOT.resolve("resource.d/heartbeat/IPaddr2")),
                "resource-agents not installed");
        try (Lab lab = Lab.create("a")) {
            lab.addBridge("br0");
            Lab.Host node = lab.addHost("n1").connect("br0", "eth0", "198.51.100.1/24");
            Lab.Host client = lab.addHost("c").connect("br0", "eth0", "198.51.100.2/24");
            ProcessRunner inNamespace = new ProcessRunner(List.of("ip", "netns", "exec", node.namespace()),
                    ProcessRunner.DEFAULT_OUTPUT_LIMIT);
            AgentRegistry registry = new AgentRegistry(List.of(), AgentSearchPath.standard(List.of()), inNamespace);
            String word = "ocf:heartbeat:IPaddr2::ip=" + VIP + "::cidr_netmask=24::nic=eth0";
            Resolution r = registry.resolve(new ResourceSpec("ocf:heartbeat:IPaddr2",
                    List.of("ip=" + VIP, "cidr_netmask=24", "nic=eth0"), word, 1));
            OcfScriptAgent vip = (OcfScriptAgent) ((Resolution.Found) r).agent();

            assertEquals(OcfStatus.NOT_RUNNING, vip.probe(T).status());
            AgentResult start = vip.start(T);
            assertEquals(OcfStatus.SUCCESS, start.status(), start.toString());
            assertTrue(node.sh("ip -4 addr show dev eth0").contains("inet " + VIP + "/24"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.shResult("ping -c 1 -W 1 " + VIP).exitCode() == 0);
            assertEquals(OcfStatus.SUCCESS, vip.monitor(T).status());

            AgentResult stop = vip.stop(T);
            assertEquals(OcfStatus.SUCCESS, stop.status(), stop.toString());
            assertFalse(node.sh("ip -4 addr show dev eth0").contains(VIP));
            assertEquals(OcfStatus.NOT_RUNNING, vip.monitor(T).status());
            // the root namespace never saw the address
            assertFalse(Lab.Shell.run(List.of("ip", "-4", "addr", "show")).contains(VIP));
        }
    }
}
