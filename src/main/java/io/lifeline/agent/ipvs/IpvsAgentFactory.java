package io.lifeline.agent.ipvs;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.BuiltinAgentFactory;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.process.ProcessRunner;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.ResourceSpec;
import io.lifeline.ipvs.config.IpvsConfigParser;
import io.lifeline.ipvs.kernel.Ipvsadm;
import java.nio.file.Path;
import java.util.Set;

/** Creates the {@code IPVS} resource: {@code IPVS::/etc/ha.d/ipvs.conf} in haresources. */
public final class IpvsAgentFactory implements BuiltinAgentFactory {

    private final ProcessRunner runner;

    public IpvsAgentFactory() {
        this(new ProcessRunner());
    }

    /** @param runner runs ipvsadm and MISC_CHECK scripts (a command prefix applies to both) */
    public IpvsAgentFactory(ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public Set<String> names() {
        return Set.of("IPVS");
    }

    @Override
    public ResourceAgent create(ResourceSpec spec) throws AgentConfigException {
        if (spec.args().size() != 1 || spec.args().get(0).isBlank()) {
            throw new AgentConfigException("IPVS needs exactly one argument, the virtual server file: "
                    + "IPVS::/etc/ha.d/ipvs.conf (got '" + spec.word() + "')");
        }
        Path file = Path.of(spec.args().get(0));
        if (!file.isAbsolute()) {
            throw new AgentConfigException(spec.word() + ": the file must be an absolute path");
        }
        return new IpvsAgent(spec.word(), file, new Ipvsadm(runner, "ipvsadm", Ipvsadm.DEFAULT_TIMEOUT, spec.word()),
                runner);
    }

    /** check-config reads the file like start would, every problem at its own line. */
    @Override
    public void checkReferencedFiles(ResourceSpec spec, Diagnostics diagnostics) {
        IpvsConfigParser.parse(Path.of(spec.args().get(0)), diagnostics);
    }
}
