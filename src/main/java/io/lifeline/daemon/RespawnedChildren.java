package io.lifeline.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.config.Diagnostics;
import io.lifeline.config.HaCf;
import io.lifeline.os.UserAccounts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The programs of ha.cf's {@code respawn} lines, which the daemon keeps running while it runs
 * (Heartbeat's "managed child clients"). Started once the cluster is up, in ha.cf order;
 * stopped when the daemon stops: SIGTERM to every child's process group (last line first, as
 * Heartbeat does), one shared grace period, then SIGKILL for what is left.
 */
final class RespawnedChildren implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RespawnedChildren.class);

    private final List<RespawnedChild> children;
    private final RespawnPolicy policy;

    private RespawnedChildren(List<RespawnedChild> children, RespawnPolicy policy) {
        this.children = List.copyOf(children);
        this.policy = policy;
    }

    /**
     * Plans every respawn line of {@code haCf}; problems (an account the daemon cannot switch
     * to, util-linux missing) go to {@code diag} with the ha.cf line, and those lines are left out.
     */
    static RespawnedChildren plan(HaCf haCf, RespawnPolicy policy, Diagnostics diag) {
        return plan(haCf, policy, UserAccounts.effectiveUid(), diag);
    }

    static RespawnedChildren plan(HaCf haCf, RespawnPolicy policy, int euid, Diagnostics diag) {
        Map<String, Integer> perName = new HashMap<>();
        haCf.respawns().forEach(r -> perName.merge(baseName(r), 1, Integer::sum));
        List<RespawnedChild> children = new ArrayList<>();
        for (HaCf.Respawn r : haCf.respawns()) {
            // the program's file name, unless two lines run the same program
            String name = perName.get(baseName(r)) > 1 ? baseName(r) + "@" + r.line() : baseName(r);
            RespawnCommand.plan(name, r, haCf.respawnEnvironment(), haCf.file(), euid, diag)
                    .ifPresent(c -> children.add(new RespawnedChild(c, policy)));
        }
        return new RespawnedChildren(children, policy);
    }

    private static String baseName(HaCf.Respawn r) {
        Path file = Path.of(r.program()).getFileName();
        return file != null ? file.toString() : r.program();
    }

    boolean isEmpty() {
        return children.isEmpty();
    }

    void start() {
        if (!children.isEmpty()) {
            LOG.info("starting {} respawn program(s): {}", children.size(),
                    children.stream().map(RespawnedChild::name).toList());
        }
        children.forEach(RespawnedChild::start);
    }

    List<RespawnedChild.Status> status() {
        return children.stream().map(RespawnedChild::status).toList();
    }

    /** The {@code respawn} array of {@code hactl status --json} (docs/status-json.md). */
    ArrayNode statusJson() {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (RespawnedChild.Status s : status()) {
            ObjectNode o = array.addObject();
            o.put("name", s.name());
            o.put("line", s.line());
            o.put("user", s.user());
            o.put("command", s.command());
            o.put("state", s.state().name().toLowerCase(Locale.ROOT));
            if (s.pid() != null) {
                o.put("pid", s.pid());
            } else {
                o.putNull("pid");
            }
            o.put("starts", s.starts());
            o.put("last_exit", s.lastExit());
            o.put("since", s.since().toString());
        }
        return array;
    }

    /** Stops every child: SIGTERM, at most {@link RespawnPolicy#stopGrace()} to exit, then SIGKILL. */
    @Override
    public void close() {
        if (children.isEmpty()) {
            return;
        }
        LOG.info("stopping {} respawn program(s) (SIGTERM, SIGKILL after {})", children.size(),
                RespawnedChild.format(policy.stopGrace()));
        List<RespawnedChild> reversed = new ArrayList<>(children);
        Collections.reverse(reversed);
        reversed.forEach(RespawnedChild::requestStop);
        long deadline = System.nanoTime() + policy.stopGrace().toNanos();
        List<String> left = new ArrayList<>();
        for (RespawnedChild c : reversed) {
            if (!c.awaitStopped(deadline)) {
                left.add(c.name());
            }
        }
        if (left.isEmpty()) {
            LOG.info("respawn programs stopped");
        } else {
            LOG.error("respawn programs not confirmed stopped: {}", left);
        }
    }
}
