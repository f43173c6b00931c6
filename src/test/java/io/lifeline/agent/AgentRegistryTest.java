package io.lifeline.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeline.agent.script.HeartbeatScriptAgent;
import io.lifeline.agent.script.LsbScriptAgent;
import io.lifeline.agent.script.OcfScriptAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.agent.script.SystemdUnitAgent;
import io.lifeline.agent.script.TestScripts;
import io.lifeline.config.ConfigProblem;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.Haresources;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRegistryTest {

    @TempDir
    Path tmp;

    private Path lifelineAgents;
    private Path checkoutAgents;
    private Path resourceD;
    private Path ocfRoot;
    private Path initD;
    private AgentRegistry registry;

    /** A built-in stand-in: the registry only needs its names and what create() returns. */
    private record NamedAgent(String type, String instance) implements ResourceAgent {
        public AgentResult start(Duration t) {
            return AgentResult.ok();
        }

        public AgentResult stop(Duration t) {
            return AgentResult.ok();
        }

        public AgentResult monitor(Duration t) {
            return AgentResult.ok();
        }

        public AgentResult validate(Duration t) {
            return AgentResult.ok();
        }

        public String metaData() {
            return "";
        }
    }

    private static final BuiltinAgentFactory IPADDR = new BuiltinAgentFactory() {
        public Set<String> names() {
            return Set.of("IPaddr", "IPaddr2");
        }

        public ResourceAgent create(ResourceSpec spec) throws AgentConfigException {
            if (spec.args().isEmpty()) {
                throw new AgentConfigException("needs an address");
            }
            return new NamedAgent(spec.name(), spec.word());
        }
    };

    @BeforeEach
    void buildTree() throws Exception {
        lifelineAgents = Files.createDirectories(tmp.resolve("share/resource-agents"));
        checkoutAgents = Files.createDirectories(tmp.resolve("checkout/resource-agents"));
        resourceD = Files.createDirectories(tmp.resolve("ha.d/resource.d"));
        ocfRoot = Files.createDirectories(tmp.resolve("ocf"));
        initD = Files.createDirectories(tmp.resolve("init.d"));
        Path systemctl = TestScripts.write(tmp.resolve("bin/systemctl"), "exit 0");
        for (Path dir : List.of(lifelineAgents, checkoutAgents, resourceD, initD)) {
            // a script by the same name everywhere shows which location wins
            TestScripts.write(dir.resolve("everywhere"), "exit 0");
            TestScripts.write(dir.resolve("IPaddr"), "exit 0");
        }
        TestScripts.write(checkoutAgents.resolve("nginx"), "exit 0");
        TestScripts.write(resourceD.resolve("Filesystem"), "exit 0");
        TestScripts.write(initD.resolve("postfix"), "exit 0");
        Files.writeString(resourceD.resolve("notexec"), "#!/bin/sh\n");
        TestScripts.write(ocfRoot.resolve("resource.d/heartbeat/Dummy"), "exit 0");
        TestScripts.write(ocfRoot.resolve("resource.d/heartbeat/nginx"), "exit 0");
        registry = new AgentRegistry(List.of(IPADDR),
                new AgentSearchPath(List.of(lifelineAgents, checkoutAgents), resourceD, ocfRoot, initD, systemctl),
                new ProcessRunner());
    }

    private static ResourceSpec spec(String word, int line) {
        String[] parts = word.split("::", -1);
        return new ResourceSpec(parts[0], Arrays.asList(parts).subList(1, parts.length), word, line);
    }

    private Resolution.Found found(String word) {
        Resolution r = registry.resolve(spec(word, 1));
        if (r instanceof Resolution.Failed f) {
            throw new AssertionError(f.message());
        }
        return (Resolution.Found) r;
    }

    private String failure(String word, int line) {
        return assertInstanceOf(Resolution.Failed.class, registry.resolve(spec(word, line))).message();
    }

    @Test
    void builtInsComeFirst() {
        Resolution.Found f = found("IPaddr::198.51.100.10/24");
        assertInstanceOf(NamedAgent.class, f.agent());
        assertEquals("built-in", f.source());
    }

    @Test
    void thenLifelineResourceAgentsInOrderThenResourceDThenInitD() {
        Resolution.Found everywhere = found("everywhere::x");
        assertEquals(lifelineAgents.resolve("everywhere"),
                assertInstanceOf(HeartbeatScriptAgent.class, everywhere.agent()).script());
        assertEquals(checkoutAgents.resolve("nginx"),
                assertInstanceOf(HeartbeatScriptAgent.class, found("nginx::/etc/nginx/nginx.conf").agent()).script());
        HeartbeatScriptAgent fs = assertInstanceOf(HeartbeatScriptAgent.class,
                found("Filesystem::/dev/sdb1::/data::ext4").agent());
        assertEquals(resourceD.resolve("Filesystem"), fs.script());
        assertEquals(List.of("/dev/sdb1", "/data", "ext4"), fs.args());
        LsbScriptAgent postfix = assertInstanceOf(LsbScriptAgent.class, found("postfix").agent());
        assertEquals(initD.resolve("postfix"), postfix.script());
    }

    @Test
    void classPrefixesGoStraightToTheirClass() {
        OcfScriptAgent dummy = assertInstanceOf(OcfScriptAgent.class,
                found("ocf:heartbeat:Dummy::state=/tmp/d.state").agent());
        assertEquals(ocfRoot.resolve("resource.d/heartbeat/Dummy"), dummy.script());
        assertEquals("ocf:heartbeat:Dummy", dummy.type());
        assertEquals("/tmp/d.state", dummy.parameters().values().get("state"));
        assertEquals(initD.resolve("everywhere"),
                assertInstanceOf(LsbScriptAgent.class, found("lsb:everywhere").agent()).script());
        assertEquals("systemd:nginx.service",
                assertInstanceOf(SystemdUnitAgent.class, found("systemd:nginx").agent()).type());
        // heartbeat: skips the built-in of the same name
        assertEquals(lifelineAgents.resolve("IPaddr"),
                assertInstanceOf(HeartbeatScriptAgent.class, found("heartbeat:IPaddr::198.51.100.10").agent())
                        .script());
    }

    @Test
    void unknownNameNamesFileLinePlacesSearchedAndASuggestion() {
        assertEquals("haresources:3: unknown resource 'ngnix': not a built-in agent, not found in "
                + lifelineAgents + ", " + checkoutAgents + ", " + resourceD + ", " + initD + "; did you mean 'nginx'?",
                failure("ngnix::/etc/nginx/nginx.conf", 3));
        assertTrue(failure("zzzzzz", 1).endsWith(initD.toString()), failure("zzzzzz", 1));
    }

    @Test
    void nonExecutableScriptIsSkippedAndNamed() {
        assertTrue(failure("notexec", 2).endsWith("(found but not executable: " + resourceD.resolve("notexec") + ")"),
                failure("notexec", 2));
    }

    @Test
    void ocfErrorsSayWhatIsWrong() {
        assertEquals("haresources:4: unknown OCF agent 'ocf:heartbeat:nginxx': "
                + ocfRoot.resolve("resource.d/heartbeat/nginxx") + " does not exist; did you mean 'ocf:heartbeat:nginx'?",
                failure("ocf:heartbeat:nginxx::configfile=/etc/nginx/nginx.conf", 4));
        assertTrue(failure("ocf:acme:Dummy", 5).contains("unknown OCF provider 'acme'"), failure("ocf:acme:Dummy", 5));
        assertTrue(failure("ocf:acme:Dummy", 5).endsWith("(providers here: heartbeat)"));
        assertTrue(failure("ocf:Dummy", 6).contains("write ocf:PROVIDER:TYPE"));
        assertEquals("haresources:7: ocf:heartbeat:Dummy: OCF parameter '/tmp/x' must be name=value",
                failure("ocf:heartbeat:Dummy::/tmp/x", 7));
        assertTrue(failure("ocf:heartbeat:../../bin/sh", 8).contains("no paths"));
    }

    @Test
    void otherClassErrors() {
        assertTrue(failure("lsb:postfix::fast", 1).contains("takes no arguments"));
        assertTrue(failure("postfix::fast", 1).contains("an LSB init script (" + initD.resolve("postfix") + ")"));
        assertTrue(failure("lsb:postfx", 1).endsWith("did you mean 'lsb:postfix'?"), failure("lsb:postfx", 1));
        assertTrue(failure("rpm:nginx", 1).contains("unknown resource class 'rpm'"));
        assertTrue(failure("../etc/passwd", 1).contains("no paths"));
        assertEquals("haresources:9: IPaddr: needs an address", failure("IPaddr", 9));
    }

    @Test
    void checkReportsEveryProblemAtItsLine() {
        Path file = tmp.resolve("haresources");
        Haresources h = new Haresources(file, List.of(
                new ResourceGroup("alpha", List.of(spec("IPaddr::198.51.100.10", 1), spec("ngnix", 1)), 1),
                new ResourceGroup("beta", List.of(spec("ocf:heartbeat:Dummy::/x", 3), spec("postfix", 3)), 3)));
        Diagnostics d = new Diagnostics();
        registry.check(h, d);
        List<String> errors = d.errors().stream().map(ConfigProblem::toString).toList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(file + ":1: error: unknown resource 'ngnix'"), errors.get(0));
        assertTrue(errors.get(1).startsWith(file + ":3: error: ocf:heartbeat:Dummy: OCF parameter"), errors.get(1));
    }

    @Test
    void twoFactoriesMayNotClaimOneName() {
        assertThrows(IllegalArgumentException.class, () -> new AgentRegistry(List.of(IPADDR, IPADDR),
                registry.searchPath(), new ProcessRunner()));
    }

    /**
     * The agent's advised timeouts are advice: check-config warns where the applied one is
     * shorter, naming the line to add, and says nothing where ha.cf gives enough.
     */
    @Test
    void adviseTimeoutsWarnsWhereTheAppliedTimeoutIsShorterThanTheAgentAdvises() throws Exception {
        TestScripts.write(ocfRoot.resolve("resource.d/heartbeat/slowdb"), """
                if [ "$1" = meta-data ]; then cat <<'XML'
                <?xml version="1.0"?>
                <resource-agent name="slowdb">
                  <parameters/>
                  <actions>
                    <action name="start" timeout="120s"/>
                    <action name="stop" timeout="90s"/>
                    <action name="monitor" timeout="30s" interval="20s"/>
                  </actions>
                </resource-agent>
                XML
                fi
                exit 0""");
        Path file = tmp.resolve("haresources");
        Haresources h = new Haresources(file, List.of(new ResourceGroup("alpha",
                List.of(spec("IPaddr::198.51.100.10", 4), spec("ocf:heartbeat:slowdb", 4)), 4)));
        Diagnostics d = new Diagnostics();
        registry.adviseTimeouts(h, d, word -> new AgentHints.ActionTimeouts(Duration.ofSeconds(60),
                Duration.ofSeconds(90), Duration.ofSeconds(20)));
        assertEquals(List.of(
                file + ":4: warning: ocf:heartbeat:slowdb: start timeout 60s is shorter than the 120s the agent advises"
                        + " (raise it in ha.cf: monitor ocf:heartbeat:slowdb start_timeout=120s)",
                file + ":4: warning: ocf:heartbeat:slowdb: monitor timeout 20s is shorter than the 30s the agent advises"
                        + " (raise it in ha.cf: monitor ocf:heartbeat:slowdb timeout=30s)"),
                d.problems().stream().map(ConfigProblem::toString).toList());
        Diagnostics enough = new Diagnostics();
        registry.adviseTimeouts(h, enough, word -> new AgentHints.ActionTimeouts(Duration.ofSeconds(120),
                Duration.ofSeconds(120), Duration.ofSeconds(30)));
        assertEquals(List.of(), enough.problems());
    }
}
