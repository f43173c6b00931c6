package io.lifeline.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What an agent recommends for its own actions, as OCF meta-data declares it
 * ({@code <action name="monitor" timeout="20s" interval="10s" depth="0"/>}), and which of its
 * parameters it reloads in place.
 *
 * <p>The action hints are advice, never settings: the minimum timeouts the agent's author
 * considers safe and the monitor interval they suggest. {@code hactl check-config} warns when
 * the timeout that applies (ha.cf {@code monitor WORD ...}, {@code resource_defaults}, or the
 * built-in default) is shorter than the advice ({@link #shortfalls}), as crmsh's verify does;
 * the manager never takes a timeout or interval from here. Why: the timeouts must be what ha.cf
 * says on every node (it is one file, compared across nodes by its digest), and meta-data comes
 * from the resource-agents package installed on each node, which may differ; Pacemaker does not
 * apply meta-data either (pcs copies it into the replicated configuration when a resource is
 * created, where the admin sees it). docs/agents.md "Meta-data". The {@link #reload()} part is
 * used: the daemon hands it to the manager with every configuration reload (docs/reload.md).
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

    /** The timeouts that apply to one resource, wherever they come from. */
    public record ActionTimeouts(Duration start, Duration stop, Duration monitor) {
    }

    /** One action whose applied timeout is shorter than the agent's advice. */
    public record Shortfall(String action, Duration applied, Duration advised) {

        /** {@code start timeout 60s is shorter than the 120s the agent advises} */
        public String describe() {
            return action + " timeout " + seconds(applied) + " is shorter than the " + seconds(advised)
                    + " the agent advises";
        }

        private static String seconds(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
    }

    /**
     * The actions (start, stop, monitor) whose {@code applied} timeout is shorter than this
     * advice; empty when all is well or when the agent advises nothing.
     */
    public List<Shortfall> shortfalls(ActionTimeouts applied) {
        List<Shortfall> out = new java.util.ArrayList<>();
        timeout("start").filter(a -> applied.start().compareTo(a) < 0)
                .ifPresent(a -> out.add(new Shortfall("start", applied.start(), a)));
        timeout("stop").filter(a -> applied.stop().compareTo(a) < 0)
                .ifPresent(a -> out.add(new Shortfall("stop", applied.stop(), a)));
        monitorTimeout().filter(a -> applied.monitor().compareTo(a) < 0)
                .ifPresent(a -> out.add(new Shortfall("monitor", applied.monitor(), a)));
        return out;
    }

    private Optional<ActionHint> find(String action, int depth) {
        Optional<ActionHint> exact = actions.stream()
                .filter(a -> a.name().equals(action) && a.depth() == depth)
                .findFirst();
        return exact.isPresent() ? exact : actions.stream().filter(a -> a.name().equals(action)).findFirst();
    }
}
