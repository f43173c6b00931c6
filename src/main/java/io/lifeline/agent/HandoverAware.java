package io.lifeline.agent;

import java.time.Duration;

/**
 * An agent that can start faster when the manager knows no other node runs the resource: the
 * previous owner stopped it and confirmed so (a planned move, a failback, a clean shutdown).
 * Checks that only guard against another live owner, such as a VIP's duplicate-address probe,
 * are skipped then; they still run on a takeover from a node that died holding the resource,
 * because a node that only looks dead (a partition) may still hold it.
 */
public interface HandoverAware {

    /** Like {@link ResourceAgent#start}, after a confirmed release by the previous owner. */
    AgentResult startAfterHandover(Duration timeout);
}
