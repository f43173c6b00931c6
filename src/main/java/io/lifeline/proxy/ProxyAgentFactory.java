package io.lifeline.proxy;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.BuiltinAgentFactory;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.config.ResourceSpec;
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
}
