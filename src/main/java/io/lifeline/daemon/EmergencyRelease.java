package io.lifeline.daemon;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import io.lifeline.manager.ManagerConfig;
import io.lifeline.thread.NamedThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops every group on this node without the resource manager, for when the manager itself has
 * failed and its state cannot be trusted (it mutates as it goes, so a failure can leave it
 * half-applied). Each group stops right to left, as the manager would; groups stop in parallel;
 * the whole is bounded by the slowest group's stop timeouts one after another plus a margin.
 *
 * <p>Every group, not only those the manager believed it held: a stop of a resource that is not
 * running here succeeds at once by the agent contract (OCF: stop on a stopped resource is
 * success), and a half-applied manager may have started something it has no record of.
 */
final class EmergencyRelease {

    private static final Logger LOG = LoggerFactory.getLogger(EmergencyRelease.class);

    private EmergencyRelease() {
    }

    /** @return the resources whose stop failed or did not finish in time ("group/word: why"), empty when all stopped */
    static List<String> run(ManagerConfig cfg, Map<String, ResourceAgent> agents) {
        return run(cfg, cfg.groups(), agents);
    }

    /**
     * @param groups what may be up here (ResourceManager#groupsThatMayRunHere: after a reload,
     *               also the old resources it is still stopping)
     */
    static List<String> run(ManagerConfig cfg, List<ResourceGroup> groups, Map<String, ResourceAgent> agents) {
        Duration within = NodeDaemon.releaseTime(groups, cfg).plusSeconds(5);
        long deadline = System.nanoTime() + within.toNanos();
        ExecutorService pool = Executors.newCachedThreadPool(NamedThreads.daemon("emergency-stop"));
        try {
            List<Future<List<String>>> stops = new ArrayList<>();
            for (ResourceGroup g : groups) {
                stops.add(pool.submit(() -> stopRightToLeft(cfg, g, agents)));
            }
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < stops.size(); i++) {
                try {
                    failed.addAll(stops.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (Exception e) {
                    failed.add(groups.get(i).name() + ": not stopped within " + within.toSeconds() + " s");
                }
            }
            return failed;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> stopRightToLeft(ManagerConfig cfg, ResourceGroup g, Map<String, ResourceAgent> agents) {
        List<String> failed = new ArrayList<>();
        List<ResourceSpec> resources = g.resources();
        for (int i = resources.size() - 1; i >= 0; i--) {
            ResourceSpec r = resources.get(i);
            ResourceAgent agent = agents.get(r.word());
            if (agent == null) {
                continue; // never resolved, so never started
            }
            AgentResult res;
            try {
                res = agent.stop(cfg.settings().policyFor(r.word()).stopTimeout());
            } catch (Throwable e) {
                res = AgentResult.failed(OcfStatus.ERR_GENERIC, "agent failed: " + e);
            }
            if (res.isSuccess() || res.status() == OcfStatus.NOT_RUNNING) {
                LOG.info("[{}] stopped {} (no manager)", g.name(), r.word());
            } else {
                // as the manager does: what is left of a failed stop stays up, so a peer cannot start
                // the group's addresses in front of a half-stopped application
                LOG.error("[{}] stop of {} failed: {}; leaving the rest of the group up", g.name(), r.word(), res);
                failed.add(g.name() + "/" + r.word() + ": " + res);
                break;
            }
        }
        return failed;
    }
}
