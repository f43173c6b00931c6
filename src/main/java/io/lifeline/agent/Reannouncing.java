package io.lifeline.agent;

import java.time.Duration;

/**
 * An agent whose resource is found by the network through announcements (a VIP: gratuitous
 * ARP or unsolicited neighbour advertisements). After a partition heals the manager asks the
 * node that keeps the group to announce again, because the other side's announcements may
 * have drawn the neighbours to it.
 */
public interface Reannouncing {

    /** Sends the announcements again if the resource runs here; never starts it. */
    AgentResult reannounce(Duration timeout);
}
