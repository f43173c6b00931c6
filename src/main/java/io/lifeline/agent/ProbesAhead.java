package io.lifeline.agent;

import java.time.Duration;

/**
 * An agent whose start checks that no other host holds the resource (a VIP's duplicate-address
 * probe) and can run that check ahead of a takeover: while a peer that may hold it is late with
 * its heartbeats, before it is declared dead. A clean check (nobody answered) then stands in for
 * the start's own, which takes the check off the takeover's path (docs/vip.md, "Probing ahead").
 */
public interface ProbesAhead {

    /**
     * Runs the check now, on the calling thread, unless the resource is up on this host or a check
     * is already running; a clean result stays usable for {@code validFor} after it ended.
     */
    void probeAhead(Duration validFor);

    /**
     * Like {@link ResourceAgent#start}, but a clean check run ahead and still valid replaces the
     * start's own (one still running is waited for); otherwise the start checks as usual. The
     * manager asks for this only on a takeover from holders that were running the resource
     * steadily (not starting or restarting it), when nothing but they could hold it.
     */
    AgentResult startUsingProbeAhead(Duration timeout);
}
