package io.lifeline.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What an agent recommends for its own actions, as OCF meta-data declares it
 * ({@code <action name="monitor" timeout="20s" interval="10s" depth="0"/>}). These are hints:
 * the minimum timeouts the agent's author considers safe and the monitor interval they
 * suggest. The manager uses them where the admin configured nothing.
 */
public record AgentHints(List<ActionHint> actions, Optional<Reload> reload) {

    public static final AgentHints NONE = new AgentHints(List.of());

    public AgentHints {
        actions = List.copyOf(actions);
    }

    /** Hints without an in-place reload. */
    public AgentHints(List<ActionHint> actions) {
        this(actions, Optional.empty());
    }

    /**
     * The agent applies changes of {@code parameters} to a running resource with {@code action}
     * instead of a restart: OCF 1.1's {@code reload-agent} with the parameters marked
     * {@code reloadable="1"}, or the older {@code reload} with every parameter not marked
     * {@code unique="1"} (Pacemaker's rule for agents before OCF 1.1).
     */
    public record Reload(String action, java.util.Set<String> parameters) {
        public Reload {
            parameters = java.util.Set.copyOf(parameters);
        }
    }

    /**
     * One declared action. {@code depth} is the monitor depth ({@code OCF_CHECK_LEVEL}: 0 light,
     * 10 medium, 20 heavy); it is 0 for actions other than monitor.
     */
    public record ActionHint(String name, Optional<Duration> timeout, Optional<Duration> interval, int depth) {
    }

    /** The recommended timeout of an action; for {@code monitor} the one at depth 0. */
    public Optional<Duration> timeout(String action) {
        return find(action, 0).flatMap(ActionHint::timeout);
    }

    /** The recommended interval of the recurring monitor at depth 0. */
    public Optional<Duration> monitorInterval() {
        return monitorInterval(0);
    }

    /** The recommended interval of the recurring monitor at the given depth. */
    public Optional<Duration> monitorInterval(int depth) {
        return find("monitor", depth).flatMap(ActionHint::interval);
    }

    /** The recommended timeout of the monitor at depth 0. */
    public Optional<Duration> monitorTimeout() {
        return find("monitor", 0).flatMap(ActionHint::timeout);
    }

    private Optional<ActionHint> find(String action, int depth) {
        Optional<ActionHint> exact = actions.stream()
                .filter(a -> a.name().equals(action) && a.depth() == depth)
                .findFirst();
        return exact.isPresent() ? exact : actions.stream().filter(a -> a.name().equals(action)).findFirst();
    }
}
