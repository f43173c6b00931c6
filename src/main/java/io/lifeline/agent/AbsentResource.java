package io.lifeline.agent;

import java.time.Duration;

/**
 * A resource this node never runs, on an arbiter ({@code arbiter NODE}, docs/split-brain.md): the
 * witness votes but its machine need not have nginx, HAProxy or the resource scripts installed.
 * Probes and monitors say "not running" without running anything; a start is refused (placement
 * never sends one: arbiters are not eligible); a stop of what is not running succeeds, as the
 * agent contract says.
 */
public final class AbsentResource implements ResourceAgent {

    private final String word;

    public AbsentResource(String word) {
        this.word = word;
    }

    /** A stand-in for every resource word of {@code haresources}: what an arbiter runs instead of agents. */
    public static java.util.Map<String, ResourceAgent> forEvery(io.lifeline.config.Haresources haresources) {
        java.util.Map<String, ResourceAgent> absent = new java.util.LinkedHashMap<>();
        haresources.groups().forEach(g -> g.resources()
                .forEach(r -> absent.putIfAbsent(r.word(), new AbsentResource(r.word()))));
        return absent;
    }

    @Override
    public String type() {
        return "absent";
    }

    @Override
    public String instance() {
        return word;
    }

    @Override
    public AgentResult start(Duration timeout) {
        return AgentResult.failed(OcfStatus.ERR_CONFIGURED, "this node is an arbiter: it runs no resources");
    }

    @Override
    public AgentResult stop(Duration timeout) {
        return AgentResult.ok("not running (arbiter)");
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        return AgentResult.notRunning("not running (arbiter)");
    }

    @Override
    public AgentResult validate(Duration timeout) {
        return AgentResult.ok();
    }

    @Override
    public String metaData() {
        return "";
    }
}
