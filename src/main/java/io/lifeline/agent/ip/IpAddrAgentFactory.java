package io.lifeline.agent.ip;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.BuiltinAgentFactory;
import io.lifeline.config.ResourceSpec;
import io.lifeline.thread.NamedThreads;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds {@link IpAddrAgent}s for Heartbeat's {@code IPaddr}, {@code IPaddr2} and
 * {@code IPv6addr} (and bare addresses, which haresources turns into {@code IPaddr::ADDRESS}).
 * All agents of one factory share one daemon thread for their background announcements.
 */
public final class IpAddrAgentFactory implements BuiltinAgentFactory {
    private static final Set<String> NAMES = Set.of("IPaddr", "IPaddr2", "IPv6addr");

    private volatile ScheduledExecutorService scheduler;

    @Override
    public Set<String> names() {
        return NAMES;
    }

    @Override
    public IpAddrAgent create(ResourceSpec spec) throws AgentConfigException {
        if (!NAMES.contains(spec.name())) {
            throw new AgentConfigException(spec.word() + ": not a virtual IP agent (expected one of " + NAMES + ")");
        }
        IpAddrSpec parsed;
        try {
            parsed = IpAddrArguments.parse(spec.name(), spec.args());
        } catch (AgentConfigException e) {
            throw new AgentConfigException(spec.word() + ": " + e.getMessage());
        }
        return new IpAddrAgent(spec.name(), spec.word(), parsed, new Announcements(scheduler()));
    }

    private ScheduledExecutorService scheduler() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            synchronized (this) {
                s = scheduler;
                if (s == null) {
                    s = Executors.newSingleThreadScheduledExecutor(NamedThreads.daemon("vip-announce"));
                    scheduler = s;
                }
            }
        }
        return s;
    }
}
