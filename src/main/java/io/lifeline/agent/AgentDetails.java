package io.lifeline.agent;

import java.util.List;
import java.util.Map;

/**
 * What an agent can tell about the live state of its resource beyond running / not running,
 * for {@code hactl status}: an IPVS agent lists its virtual services and real servers, the
 * proxy its backends and their check state.
 *
 * @param lines short human-readable lines, printed indented under the resource
 * @param json  the same facts for {@code hactl status --json}: plain maps, lists, strings,
 *              numbers and booleans only, so any JSON writer can serialise them
 */
public record AgentDetails(List<String> lines, Map<String, Object> json) {

    public static final AgentDetails NONE = new AgentDetails(List.of(), Map.of());

    public AgentDetails {
        lines = List.copyOf(lines);
        json = Map.copyOf(json);
    }

    public boolean isEmpty() {
        return lines.isEmpty() && json.isEmpty();
    }
}
