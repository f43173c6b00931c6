package io.lifeline.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSearchPathTest {

    @Test
    void runningFromACheckoutBuildAddsItsResourceAgentsAfterTheInstalledOne() {
        // the tests run from CHECKOUT/target/classes, so the checkout is the working directory
        Path checkout = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        AgentSearchPath path = AgentSearchPath.detect();
        assertEquals(List.of(AgentSearchPath.INSTALLED_RESOURCE_AGENTS, checkout.resolve("resource-agents")),
                path.resourceAgentDirs());
        assertEquals(Path.of("/etc/ha.d/resource.d"), path.haResourceDir());
        assertEquals(Path.of("/usr/lib/ocf"), path.ocfRoot());
        assertEquals(Path.of("/etc/init.d"), path.initDir());
    }
}
