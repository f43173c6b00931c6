package io.lifeline.cluster;

import org.jgroups.Address;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.PingData;
import org.jgroups.protocols.PING;

/**
 * JGroups' PING (discovery by multicast or broadcast) that asks again at once when a handshake
 * completes ({@link Rediscovery}) and lets the first of nodes started together create the cluster
 * at once ({@link RosterDiscovery}).
 */
final class LinkPing extends PING {

    /** Same protocol id as {@link PING}: the same headers on the wire, and no id of our own to register. */
    LinkPing() {
        setId(ClassConfigurator.getProtocolId(PING.class));
    }

    private volatile RosterDiscovery roster;

    /** The nodes of ha.cf, for {@link RosterDiscovery}. */
    LinkPing expectNodes(RosterDiscovery nodes) {
        this.roster = nodes;
        return this;
    }

    @Override
    protected void handleDiscoveryResponse(PingData data, Address sender) {
        RosterDiscovery nodes = roster;
        if (nodes != null) {
            nodes.replied(sender, data); // before super, which adds it to the rounds (addResponse)
        }
        super.handleDiscoveryResponse(data, sender);
    }

    @Override
    protected void addResponse(PingData rsp, boolean overwrite) {
        super.addResponse(rsp, overwrite);
        RosterDiscovery nodes = roster;
        if (nodes != null && nodes.endAnsweredRounds(is_server, local_addr, ping_responses)) {
            clearRequestFutures();
        }
    }

    /** Called by the transport when a peer's new incarnation has just been accepted. */
    void peerConfirmed() {
        Rediscovery.askAgain(is_server, ping_responses, task -> timer.execute(task), r -> findMembers(null, true, r));
    }
}
