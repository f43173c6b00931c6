package io.lifeline.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.agent.AgentDetails;
import io.lifeline.manager.ManagerEvent;
import io.lifeline.manager.ManagerStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The resource manager's part of {@code hactl status --json} and the {@code events} answer
 * (schema in docs/status-json.md): snake_case keys and lower-case enum words, like the
 * cluster part, so scripts read one consistent document.
 */
public final class ManagerStatusJson {

    private ManagerStatusJson() {
    }

    /** Adds "manager", "groups", "pins", "fences" and "failcounts", and the manager's view of each node to "nodes". */
    public static void addTo(ObjectNode root, ManagerStatus m, Map<String, AgentDetails> details) {
        ObjectNode mg = root.putObject("manager");
        mg.put("incarnation", m.incarnation());
        ArrayNode members = mg.putArray("members");
        m.members().forEach(members::add);
        mg.put("quorate", m.quorate());
        mg.put("maintenance", m.maintenance());
        mg.put("stalled", m.stalled());
        mg.put("startup_complete", m.startupComplete());

        if (root.get("nodes") instanceof ArrayNode nodes) {
            for (ManagerStatus.NodeStatus ns : m.nodes()) {
                for (var n : nodes) {
                    if (n instanceof ObjectNode o && o.path("name").asText().equalsIgnoreCase(ns.name())) {
                        o.put("reported", ns.reported());
                        o.put("ready", ns.ready());
                        o.put("ping_score", ns.score());
                        o.put("standby", lower(ns.standby()));
                    }
                }
            }
        }

        ArrayNode groups = root.putArray("groups");
        for (ManagerStatus.GroupStatus g : m.groups()) {
            ObjectNode o = groups.addObject();
            o.put("name", g.name());
            o.put("preferred_node", g.preferredNode());
            ArrayNode owners = o.putArray("owners");
            g.owners().forEach(owners::add);
            o.put("phase", lower(g.phase()));
            o.put("target", g.target());
            o.put("reason", g.reason());
            o.put("pinned_to", g.pinnedTo());
            o.put("blocked_reason", g.blockedReason());
            ArrayNode resources = o.putArray("resources");
            for (ManagerStatus.ResourceStatus r : g.resources()) {
                ObjectNode ro = resources.addObject();
                ro.put("resource", r.resource());
                ro.put("state", lower(r.state()));
                ro.put("last_monitor", r.lastMonitor() == null ? null : lower(r.lastMonitor()));
                ro.put("last_monitor_message", r.lastMonitorMessage());
                ro.put("last_monitor_at", r.lastMonitorAt() == null ? null : r.lastMonitorAt().toString());
                AgentDetails d = details.get(r.resource());
                if (d != null) {
                    ro.set("details", ControlProtocol.JSON.valueToTree(d.json()));
                    ArrayNode lines = ro.putArray("detail_lines");
                    d.lines().forEach(lines::add);
                }
            }
        }

        ArrayNode pins = root.putArray("pins");
        for (ManagerStatus.PinStatus p : m.pins()) {
            ObjectNode o = pins.addObject();
            o.put("group", p.group());
            o.put("node", p.node());
            o.put("set_on", p.setOn());
            if (p.inEffect() == null) {
                o.putNull("in_effect");
            } else {
                o.put("in_effect", p.inEffect());
            }
        }

        ArrayNode fences = root.putArray("fences");
        for (ManagerStatus.FenceStatus f : m.fences()) {
            ObjectNode o = fences.addObject();
            o.put("node", f.node());
            o.put("state", f.state());
            ArrayNode fg = o.putArray("groups");
            f.groups().forEach(fg::add);
            o.put("attempts", f.attempts());
            o.put("last_error", f.lastError());
            o.put("since", f.since() == null ? null : f.since().toString());
            o.put("next_attempt_at", f.nextAttemptAt() == null ? null : f.nextAttemptAt().toString());
        }

        ArrayNode fails = root.putArray("failcounts");
        for (ManagerStatus.FailcountStatus f : m.failcounts()) {
            ObjectNode o = fails.addObject();
            o.put("node", f.node());
            o.put("group", f.group());
            o.put("resource", f.resource());
            o.put("count", f.count());
            o.put("threshold", f.threshold());
            o.put("banned", f.banned());
        }
    }

    /** The {@code events} answer: {"events": [...]}, oldest first. */
    public static ObjectNode events(List<ManagerEvent> events) {
        ObjectNode root = ControlProtocol.JSON.createObjectNode();
        ArrayNode arr = root.putArray("events");
        for (ManagerEvent e : events) {
            ObjectNode o = arr.addObject();
            o.put("at", e.at().toString());
            o.put("level", lower(e.level()));
            o.put("kind", lower(e.kind()));
            o.put("node", e.node());
            o.put("group", e.group());
            o.put("message", e.message());
        }
        return root;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
