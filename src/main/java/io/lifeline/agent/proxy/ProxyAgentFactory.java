package io.lifeline.agent.proxy;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.BuiltinAgentFactory;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.ResourceSpec;
import io.lifeline.proxy.config.ProxyConfigParser;
import java.nio.file.Path;
import java.util.Set;

/** Creates the {@code Proxy} resource: {@code Proxy::/etc/ha.d/proxy.cfg} in haresources. */
public final class ProxyAgentFactory implements BuiltinAgentFactory {

    @Override
    public Set<String> names() {
        return Set.of("Proxy");
    }

    @Override
    public ResourceAgent create(ResourceSpec spec) throws AgentConfigException {
        if (spec.args().size() != 1 || spec.args().get(0).isBlank()) {
            throw new AgentConfigException("Proxy needs exactly one argument, the configuration file: "
                    + "Proxy::/etc/ha.d/proxy.cfg (got '" + spec.word() + "')");
        }
        return new ProxyAgent(spec.word(), Path.of(spec.args().get(0)));
    }

    /** The proxy configuration is checked like haproxy -c would, each problem at its own line. */
    @Override
    public void checkReferencedFiles(ResourceSpec spec, Diagnostics diagnostics) {
        ProxyConfigParser.parse(Path.of(spec.args().get(0)), diagnostics);
    }
}
