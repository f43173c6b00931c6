package io.lifeline.agent.ip;

/** The OCF meta-data of the built-in virtual-IP agent. */
final class IpAddrMetaData {
    private IpAddrMetaData() {
    }

    static String xml(String type) {
        boolean v6 = "IPv6addr".equals(type);
        VipOptions d = VipOptions.DEFAULTS; // the defaults the agent applies, so the meta-data cannot drift from them
        String syntax = v6 ? "IPv6addr::IPV6[/BITS[/IFACE]][::key=value...]"
                : type + "::IP[/BITS[/IFACE[/BROADCAST]]][::key=value...]";
        return """
                <?xml version="1.0"?>
                <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
                <resource-agent name="%1$s" version="1.0">
                <version>1.0</version>
                <longdesc lang="en">
                Lifeline's built-in virtual IP agent (%1$s). Adds the address with rtnetlink,
                probes for another owner first (RFC 5227 ARP probe / RFC 4862 DAD), and announces it
                with gratuitous ARP (IPv4) or unsolicited neighbour advertisements (IPv6) so that
                neighbours switch to this host at once. haresources syntax: %2$s
                </longdesc>
                <shortdesc lang="en">Manages a virtual IPv4 or IPv6 address</shortdesc>
                <parameters>
                <parameter name="ip" unique="1" required="1">
                <longdesc lang="en">The address (dotted quad or IPv6 literal; no host names).</longdesc>
                <shortdesc lang="en">Virtual IP address</shortdesc>
                <content type="string"/>
                </parameter>
                <parameter name="cidr_netmask">
                <longdesc lang="en">Prefix length (BITS). Default: that of the connected route covering the address.</longdesc>
                <shortdesc lang="en">Prefix length</shortdesc>
                <content type="integer"/>
                </parameter>
                <parameter name="nic">
                <longdesc lang="en">Interface (IFACE), optionally with an IPv4 label as eth0:0. Default: the interface whose connected route covers the address.</longdesc>
                <shortdesc lang="en">Network interface</shortdesc>
                <content type="string"/>
                </parameter>
                <parameter name="broadcast">
                <longdesc lang="en">IPv4 broadcast address, "+" (highest address of the subnet, the default) or "-" (lowest). None for /31 and /32.</longdesc>
                <shortdesc lang="en">Broadcast address</shortdesc>
                <content type="string" default="+"/>
                </parameter>
                <parameter name="iflabel">
                <longdesc lang="en">IPv4 label suffix: the address is labelled IFACE:iflabel (at most 15 characters in all).</longdesc>
                <shortdesc lang="en">Interface label</shortdesc>
                <content type="string"/>
                </parameter>
                <parameter name="arp_count">
                <longdesc lang="en">Announcement rounds sent on start and on re-announce (0 to 100).</longdesc>
                <shortdesc lang="en">ARP/NA rounds</shortdesc>
                <content type="integer" default="%5$d"/>
                </parameter>
                <parameter name="arp_interval">
                <longdesc lang="en">Time between announcement rounds (200, 200ms, 1s; a bare number is milliseconds).</longdesc>
                <shortdesc lang="en">ARP/NA interval</shortdesc>
                <content type="string" default="%6$dms"/>
                </parameter>
                <parameter name="arp_mode">
                <longdesc lang="en">Gratuitous ARP packets per round: request, reply or both (IPv4 only).</longdesc>
                <shortdesc lang="en">ARP mode</shortdesc>
                <content type="string" default="both"/>
                </parameter>
                <parameter name="arp_refresh">
                <longdesc lang="en">Send one announcement round this often while the address is held (30s, 5m; a bare number is seconds); 0 or off disables.</longdesc>
                <shortdesc lang="en">Periodic ARP/NA refresh</shortdesc>
                <content type="string" default="off"/>
                </parameter>
                <parameter name="dad_probe">
                <longdesc lang="en">Probe for another owner of the address before adding it; if one answers, start fails naming its MAC.</longdesc>
                <shortdesc lang="en">Duplicate address probe</shortdesc>
                <content type="boolean" default="on"/>
                </parameter>
                <parameter name="dad_count">
                <longdesc lang="en">Probes sent (1 to 10).</longdesc>
                <shortdesc lang="en">Probe count</shortdesc>
                <content type="integer" default="%3$d"/>
                </parameter>
                <parameter name="dad_interval">
                <longdesc lang="en">Time between probes, also waited after the last (a bare number is milliseconds).</longdesc>
                <shortdesc lang="en">Probe interval</shortdesc>
                <content type="string" default="%4$dms"/>
                </parameter>
                </parameters>
                <actions>
                <action name="start" timeout="20s"/>
                <action name="stop" timeout="20s"/>
                <action name="monitor" depth="0" timeout="20s" interval="10s"/>
                <action name="meta-data" timeout="5s"/>
                <action name="validate-all" timeout="20s"/>
                </actions>
                </resource-agent>
                """.formatted(type, syntax, d.dadCount(), d.dadInterval().toMillis(), d.arpCount(),
                        d.arpInterval().toMillis());
    }
}
