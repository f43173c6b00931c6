package io.lifeline.agent.ip;

import io.lifeline.agent.AgentResult;
import io.lifeline.agent.HandoverAware;
import io.lifeline.agent.OcfStatus;
import io.lifeline.agent.ProbesAhead;
import io.lifeline.agent.Reannouncing;
import io.lifeline.agent.ResourceAgent;
import io.lifeline.net.AddressRequest;
import io.lifeline.net.Addresses;
import io.lifeline.net.DuplicateAddressProbe;
import io.lifeline.os.Errno;
import io.lifeline.net.InterfaceAddress;
import io.lifeline.net.IpFamily;
import io.lifeline.net.LinkState;
import io.lifeline.net.MacAddress;
import io.lifeline.net.NeighbourAnnouncer;
import io.lifeline.net.NetException;
import io.lifeline.net.Prefixes;
import io.lifeline.net.Route;
import io.lifeline.net.RtNetlink;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual IP (Heartbeat's IPaddr / IPaddr2 / IPv6addr), managed in-process through rtnetlink
 * and packet sockets.
 *
 * <p>start: find the interface and prefix, check the link, probe for another owner, add the
 * address, announce it (gratuitous ARP or unsolicited NA; first round before returning, the rest
 * in the background). stop: stop announcing, delete the address. Both are idempotent. After a
 * partition heals the manager calls {@link #reannounce}, because the other side may have
 * redirected the neighbours meanwhile.
 */
public final class IpAddrAgent implements ResourceAgent, Reannouncing, HandoverAware, ProbesAhead {
    private static final Logger log = LoggerFactory.getLogger(IpAddrAgent.class);
    /** Upper bound for one netlink exchange; the action's own timeout can make it shorter. */
    private static final Duration NETLINK_TIMEOUT = Duration.ofSeconds(5);

    private final String type;
    private final String instance;
    private final IpAddrSpec spec;
    private final Announcements announcements;
    private final ProbeAhead ahead = new ProbeAhead(System::nanoTime);

    /** Null: addresses are permanent (one-shot CLI use). */
    private volatile VipLease lease;

    IpAddrAgent(String type, String instance, IpAddrSpec spec, Announcements announcements) {
        this.type = type;
        this.instance = instance;
        this.spec = spec;
        this.announcements = announcements;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String instance() {
        return instance;
    }

    public IpAddrSpec spec() {
        return spec;
    }

    /** Where the address goes, resolved against the running system. */
    record Placement(LinkState link, int prefixLength, Inet4Address broadcast, String label) {
        String describe(InetAddress address) {
            return Addresses.format(address, prefixLength) + " on " + link.name()
                    + (label != null && !label.equals(link.name()) ? " (label " + label + ")" : "");
        }
    }

    @Override
    public AgentResult start(Duration timeout) {
        return start(timeout, true, false);
    }

    /**
     * The duplicate-address probe, run while a peer is suspected: answers only
     * count (every survivor may probe at once). Nothing is probed while the address is on this
     * host or the link cannot be used; the start then probes (or fails) as usual.
     */
    @Override
    public void probeAhead(Duration validFor) {
        VipOptions o = spec.options();
        if (!o.dadProbe()) {
            return;
        }
        ahead.run(() -> {
            try (RtNetlink nl = openNetlink(NETLINK_TIMEOUT)) {
                Placement p = resolve(nl);
                LinkState link = p.link();
                if (link.mac() == null || !link.isUsable() || nl.findAddress(spec.address(), 0).isPresent()) {
                    return false;
                }
                Optional<MacAddress> owner = DuplicateAddressProbe.probe(link.ifindex(), link.mac(), spec.address(),
                        o.dadCount(), o.dadInterval(), false);
                if (owner.isPresent()) {
                    // usually a live peer's own address, whoever is suspected; a takeover then probes itself
                    log.debug("{}: probed ahead: {} is in use on {} by {}", instance,
                            Addresses.format(spec.address()), link.name(), owner.get());
                    return false;
                }
                return true;
            } catch (VipFailure | NetException e) {
                log.debug("{}: no probe ahead: {}", instance, e.getMessage()); // the start probes itself
                return false;
            }
        }, validFor);
    }

    @Override
    public AgentResult startUsingProbeAhead(Duration timeout) {
        return start(timeout, true, true);
    }

    /**
     * The start path without its two changes (no address added, nothing sent): resolves the
     * interface, looks the address up, builds the announcement frames, opens the packet socket
     * and starts the announcer thread. A cold first start took 20 ms, a warm one 1-2 ms.
     */
    @Override
    public void warmUp(Duration timeout) {
        try (RtNetlink nl = openNetlink(timeout)) {
            Placement p = resolve(nl);
            nl.findAddress(spec.address(), 0);
            p.describe(spec.address());
            if (p.link().mac() != null) {
                NeighbourAnnouncer.prepare(p.link().ifindex(), p.link().mac(), spec.address());
                announceDescription();
            }
            announcements.prepare(timeout);
        } catch (VipFailure | NetException e) {
            log.debug("{}: warm-up skipped: {}", instance, e.getMessage()); // the real start reports it
        }
    }

    /** The previous owner confirmed it released the address: no duplicate-address probe needed. */
    @Override
    public AgentResult startAfterHandover(Duration timeout) {
        return start(timeout, false, false);
    }

    /**
     * @param probeForOwner run the duplicate-address probe (not after a handover)
     * @param mayUseAhead   a clean probe run ahead of this takeover, and still valid, replaces it
     */
    private AgentResult start(Duration timeout, boolean probeForOwner, boolean mayUseAhead) {
        long deadline = System.nanoTime() + timeout.toNanos();
        InetAddress address = spec.address();
        try (RtNetlink nl = openNetlink(timeout)) {
            Placement p = resolve(nl);
            LinkState link = p.link();
            Optional<InterfaceAddress> existing = nl.findAddress(address, 0);
            if (existing.isPresent()) {
                return alreadyPresent(nl, p, existing.get());
            }
            if (!link.isUsable()) {
                return AgentResult.failed(OcfStatus.ERR_GENERIC, "cannot start " + p.describe(address) + ": "
                        + link.describe());
            }
            String probed = "";
            OptionalLong aheadMs = probeForOwner && mayUseAhead ? ahead.take(spec.options().probeTime())
                    : OptionalLong.empty();
            ahead.forget();
            if (aheadMs.isPresent()) {
                probed = "; probed " + aheadMs.getAsLong() + " ms before, while the holder was suspected: nobody answered";
            } else if (probeForOwner) {
                probe(p, deadline);
            }
            AddressRequest request = new AddressRequest(link.ifindex(), address, p.prefixLength(), p.broadcast(),
                    p.label(), spec.family() == IpFamily.IPV6);
            VipLease l = lease;
            try {
                if (l == null) {
                    nl.addAddress(request);
                } else {
                    AddressRequest leased = l.leased(request);
                    long sentAt = l.now();
                    nl.addAddress(leased);
                    l.hold(leased, sentAt);
                }
            } catch (NetException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw VipFailure.of("cannot add " + p.describe(address), e);
                }
                log.info("{} appeared while starting (added concurrently); treating as started", address);
            }
            try {
                announce(link);
            } catch (VipFailure f) {
                rollback(nl, link, p.prefixLength());
                return f.result();
            }
            String how = spec.options().arpCount() == 0 || link.mac() == null ? "not announced"
                    : "announced " + announceDescription();
            log.info("{}: added {}, {}{}", instance, p.describe(address), how, probed);
            return AgentResult.ok("added " + p.describe(address) + ", " + how + probed);
        } catch (VipFailure f) {
            return f.result();
        } catch (NetException e) {
            return VipFailure.of("cannot start " + spec.describe(), e).result();
        }
    }

    /**
     * Adds and removes addresses on lease from now on (the daemon does; one-shot CLI use does
     * not): see {@link VipLease}.
     */
    public void useLease(VipLease l) {
        lease = l;
    }

    private AgentResult alreadyPresent(RtNetlink nl, Placement p, InterfaceAddress existing) throws VipFailure {
        InetAddress address = spec.address();
        if (existing.ifindex() != p.link().ifindex()) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, Addresses.format(address) + " is already assigned to "
                    + interfaceName(nl, existing.ifindex()) + " on this host, not to " + p.link().name()
                    + "; remove it there first");
        }
        if (existing.prefixLength() != p.prefixLength()) {
            return AgentResult.failed(OcfStatus.ERR_CONFIGURED, Addresses.format(address) + " is already on "
                    + p.link().name() + " as /" + existing.prefixLength() + ", but the resource says /"
                    + p.prefixLength() + "; remove it or fix the configuration");
        }
        if (!p.link().isUsable()) {
            return AgentResult.failed(OcfStatus.ERR_GENERIC, Addresses.format(address) + " is on "
                    + p.link().name() + " but " + p.link().describe());
        }
        VipLease l = lease;
        if (l != null) {
            // left by an earlier daemon (maybe permanent): from now on it lives on this one's lease
            AddressRequest leased = l.leased(new AddressRequest(p.link().ifindex(), address, existing.prefixLength(),
                    p.broadcast(), p.label(), spec.family() == IpFamily.IPV6));
            long sentAt = l.now();
            try {
                nl.renewAddress(leased);
            } catch (NetException e) {
                throw VipFailure.of("cannot put " + p.describe(address) + " on lease", e);
            }
            l.hold(leased, sentAt);
        }
        announce(p.link());
        return AgentResult.ok(p.describe(address) + " already present; re-announced");
    }

    @Override
    public AgentResult stop(Duration timeout) {
        ahead.forget();
        announcements.cancel();
        InetAddress address = spec.address();
        VipLease l = lease;
        if (l != null) {
            l.release(address); // no renewal may race the delete below
        }
        try (RtNetlink nl = openNetlink(timeout)) {
            int ifindex = 0;
            if (spec.nic().isPresent()) {
                try {
                    ifindex = nl.link(spec.nic().get()).ifindex();
                } catch (NetException e) {
                    if (e.errno() == Errno.ENODEV) {
                        return AgentResult.ok("interface " + spec.nic().get() + " does not exist, so "
                                + Addresses.format(address) + " is not on it");
                    }
                    throw e;
                }
            }
            Optional<InterfaceAddress> existing = nl.findAddress(address, ifindex);
            if (existing.isEmpty()) {
                return AgentResult.ok(Addresses.format(address) + " was not present");
            }
            InterfaceAddress a = existing.get();
            String ifname = interfaceName(nl, a.ifindex());
            warnIfSecondariesDepend(nl, a, ifname);
            try {
                nl.deleteAddress(a.ifindex(), address, a.prefixLength());
            } catch (NetException e) {
                if (e.errno() != Errno.EADDRNOTAVAIL) {
                    throw VipFailure.of("cannot delete " + a + " from " + ifname, e);
                }
            }
            log.info("{}: deleted {} from {}", instance, a, ifname);
            return AgentResult.ok("deleted " + a + " from " + ifname);
        } catch (VipFailure f) {
            return f.result();
        } catch (NetException e) {
            return VipFailure.of("cannot stop " + spec.describe(), e).result();
        }
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        InetAddress address = spec.address();
        try (RtNetlink nl = openNetlink(timeout)) {
            int ifindex = 0;
            if (spec.nic().isPresent()) {
                ifindex = link(nl, spec.nic().get()).ifindex();
            }
            Optional<InterfaceAddress> existing = nl.findAddress(address, ifindex);
            if (existing.isEmpty()) {
                return AgentResult.notRunning(Addresses.format(address) + " is not on "
                        + spec.nic().orElse("any interface"));
            }
            InterfaceAddress a = existing.get();
            LinkState link = nl.link(a.ifindex());
            if (a.isDadFailed()) {
                return AgentResult.failed(OcfStatus.ERR_GENERIC, "the kernel found " + a + " on " + link.name()
                        + " to be a duplicate (another host owns it)");
            }
            if (!link.isUsable()) {
                return AgentResult.failed(OcfStatus.ERR_GENERIC, a + " is on " + link.name() + " but "
                        + link.describe());
            }
            return AgentResult.ok(a + " on " + link.name() + ", link up");
        } catch (VipFailure f) {
            return f.result();
        } catch (NetException e) {
            return VipFailure.of("cannot check " + spec.describe(), e).result();
        }
    }

    @Override
    public AgentResult validate(Duration timeout) {
        try (RtNetlink nl = openNetlink(timeout)) {
            Placement p = resolve(nl);
            return AgentResult.ok(p.describe(spec.address()));
        } catch (VipFailure f) {
            return f.result();
        } catch (NetException e) {
            return VipFailure.of("cannot validate " + spec.describe(), e).result();
        }
    }

    /**
     * Announces the address again (a full burst) if this host holds it; the manager calls this
     * after a partition heals, since the other side's announcements may have redirected clients.
     */
    @Override
    public AgentResult reannounce(Duration timeout) {
        int seen = announcements.generation(); // before the address is looked for: a stop moves it on
        try (RtNetlink nl = openNetlink(timeout)) {
            Optional<InterfaceAddress> existing = nl.findAddress(spec.address(),
                    spec.nic().isPresent() ? link(nl, spec.nic().get()).ifindex() : 0);
            if (existing.isEmpty()) {
                return AgentResult.notRunning(Addresses.format(spec.address()) + " is not held here; nothing to "
                        + "announce");
            }
            LinkState link = nl.link(existing.get().ifindex());
            if (!announce(link, seen)) {
                return AgentResult.notRunning(Addresses.format(spec.address()) + " was stopped meanwhile; not announced");
            }
            return AgentResult.ok("re-announced " + existing.get() + " on " + link.name() + " "
                    + announceDescription());
        } catch (VipFailure f) {
            return f.result();
        } catch (NetException e) {
            return VipFailure.of("cannot re-announce " + spec.describe(), e).result();
        }
    }

    /** Waits for the background part of the last burst (for one-shot callers such as the CLI). */
    public boolean awaitAnnouncements(Duration timeout) throws InterruptedException {
        return announcements.awaitBurst(timeout);
    }

    /** Stops background announcements without touching the address (the daemon is shutting down). */
    public void cancelAnnouncements() {
        announcements.cancel();
    }

    @Override
    public String metaData() {
        return IpAddrMetaData.xml(type);
    }

    private String announceDescription() {
        VipOptions o = spec.options();
        String what = spec.family() == IpFamily.IPV6 ? "neighbour advertisement" : "ARP " + o.arpMode().text();
        return "(" + what + " x" + o.arpCount() + " every " + IpAddrArguments.human(o.arpInterval()) + ")";
    }

    private void announce(LinkState link) throws VipFailure {
        announce(link, announcements.generation());
    }

    /** @param seen the announcements' generation read before the address was found on this host */
    private boolean announce(LinkState link, int seen) throws VipFailure {
        VipOptions o = spec.options();
        if (link.mac() == null) {
            log.debug("{} has no MAC address; nothing to announce", link.name());
            return true;
        }
        Announcements.Target target = new Announcements.Target(link.ifindex(), link.name(), link.mac(),
                spec.address());
        try {
            if (!announcements.burstUnlessCancelledSince(seen, target, o.arpCount(), o.arpInterval(), o.arpMode())) {
                return false; // stopped meanwhile: the address is gone or going
            }
        } catch (NetException e) {
            throw VipFailure.of("cannot announce " + Addresses.format(spec.address()) + " on " + link.name(), e);
        }
        announcements.startRefresh(target, o.arpRefresh(), o.arpMode(), () -> stillHeld(link.ifindex()));
        return true;
    }

    private boolean stillHeld(int ifindex) {
        try (RtNetlink nl = RtNetlink.open(NETLINK_TIMEOUT)) {
            return nl.findAddress(spec.address(), ifindex).isPresent();
        } catch (NetException e) {
            log.warn("cannot check whether {} is still held: {}", Addresses.format(spec.address()), e.getMessage());
            return false;
        }
    }

    private void probe(Placement p, long deadline) throws VipFailure {
        VipOptions o = spec.options();
        MacAddress mac = p.link().mac();
        if (!o.dadProbe() || mac == null) {
            return;
        }
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.compareTo(o.probeTime()) < 0) {
            throw new VipFailure(OcfStatus.ERR_GENERIC, "cannot start " + p.describe(spec.address()) + ": the "
                    + "duplicate address probe takes " + IpAddrArguments.human(o.probeTime()) + " but only "
                    + left.toMillis() + "ms of the start timeout are left");
        }
        Optional<MacAddress> owner;
        try {
            owner = DuplicateAddressProbe.probe(p.link().ifindex(), mac, spec.address(), o.dadCount(),
                    o.dadInterval());
        } catch (NetException e) {
            throw VipFailure.of("cannot probe for " + Addresses.format(spec.address()) + " on " + p.link().name(), e);
        }
        if (owner.isPresent()) {
            throw VipFailure.conflict(Addresses.format(spec.address()) + " is already in use on "
                    + p.link().name() + " by " + owner.get() + " (it answered the duplicate address probe); "
                    + "refusing to start");
        }
    }

    private void rollback(RtNetlink nl, LinkState link, int prefixLength) {
        VipLease l = lease;
        if (l != null) {
            l.release(spec.address());
        }
        try {
            nl.deleteAddress(link.ifindex(), spec.address(), prefixLength);
        } catch (NetException e) {
            log.warn("could not remove {} from {} after the failed start: {}", Addresses.format(spec.address()),
                    link.name(), e.getMessage());
        }
    }

    /**
     * Resolves interface, prefix length, broadcast and label. No interface configured: the one
     * whose connected route covers the address (Heartbeat's rule: "we key off of it").
     */
    Placement resolve(RtNetlink nl) throws VipFailure, NetException {
        InetAddress address = spec.address();
        LinkState link;
        int prefix;
        if (spec.nic().isPresent()) {
            link = link(nl, spec.nic().get());
            if (spec.prefixLength().isPresent()) {
                prefix = spec.prefixLength().getAsInt();
            } else {
                int ifindex = link.ifindex();
                Optional<Route> r = nl.connectedRoutesFor(address).stream().filter(x -> x.oif() == ifindex)
                        .findFirst();
                if (r.isEmpty()) {
                    throw new VipFailure(OcfStatus.ERR_CONFIGURED, "no connected route on " + link.name()
                            + " covers " + Addresses.format(address) + ", so the prefix length is unknown; write it: "
                            + Addresses.format(address) + "/BITS/" + link.name());
                }
                prefix = r.get().prefixLength();
            }
        } else {
            List<Route> routes = nl.connectedRoutesFor(address);
            if (routes.isEmpty()) {
                throw new VipFailure(OcfStatus.ERR_CONFIGURED, "no interface has a connected route covering "
                        + Addresses.format(address) + "; give the interface: " + IpAddrArguments.usage(type));
            }
            if (routes.size() > 1) {
                StringBuilder names = new StringBuilder();
                for (Route r : routes) {
                    names.append(names.length() == 0 ? "" : ", ").append(interfaceName(nl, r.oif()));
                }
                throw new VipFailure(OcfStatus.ERR_CONFIGURED, "several interfaces have a connected route covering "
                        + Addresses.format(address) + " (" + names + "); give the interface: "
                        + IpAddrArguments.usage(type));
            }
            link = nl.link(routes.get(0).oif());
            prefix = spec.prefixLength().orElse(routes.get(0).prefixLength());
        }
        String label = null;
        Optional<String> l = spec.labelOn(link.name());
        if (l.isPresent()) {
            label = l.get();
            if (label.length() > AddressRequest.MAX_LABEL_LENGTH) {
                throw new VipFailure(OcfStatus.ERR_CONFIGURED, "label \"" + label + "\" has " + label.length()
                        + " characters; the kernel allows at most 15");
            }
            if (!label.startsWith(link.name() + ":") && !label.equals(link.name())) {
                throw new VipFailure(OcfStatus.ERR_CONFIGURED, "label \"" + label + "\" must start with the "
                        + "interface name " + link.name() + ":");
            }
        }
        return new Placement(link, prefix, broadcast(prefix), label);
    }

    private Inet4Address broadcast(int prefix) {
        if (spec.family() != IpFamily.IPV4) {
            return null;
        }
        Inet4Address a = (Inet4Address) spec.address();
        switch (spec.broadcast().kind()) {
            case EXPLICIT:
                return spec.broadcast().address();
            case LOWEST:
                return prefix >= 31 ? null : Prefixes.lowest(a, prefix);
            case HIGHEST:
            default:
                return prefix >= 31 ? null : Prefixes.highest(a, prefix); // /31 and /32 have no broadcast
        }
    }

    private static LinkState link(RtNetlink nl, String name) throws VipFailure, NetException {
        try {
            return nl.link(name);
        } catch (NetException e) {
            if (e.errno() == Errno.ENODEV) {
                throw new VipFailure(OcfStatus.ERR_CONFIGURED, "interface " + name + " does not exist");
            }
            throw e;
        }
    }

    private static String interfaceName(RtNetlink nl, int ifindex) {
        try {
            return nl.link(ifindex).name();
        } catch (NetException e) {
            return "ifindex " + ifindex;
        }
    }

    /**
     * Deleting a primary IPv4 address also deletes the secondaries of its subnet unless
     * {@code promote_secondaries} is set; say so in the log rather than surprise the admin.
     */
    private static void warnIfSecondariesDepend(RtNetlink nl, InterfaceAddress a, String ifname) {
        if (a.family() != IpFamily.IPV4 || a.isSecondary()) {
            return;
        }
        try {
            List<InterfaceAddress> dependants = nl.addresses(IpFamily.IPV4).stream()
                    .filter(x -> x.ifindex() == a.ifindex() && x.isSecondary()
                            && x.prefixLength() == a.prefixLength()
                            && Prefixes.sameNetwork(x.address(), a.address(), a.prefixLength()))
                    .collect(Collectors.toList());
            if (!dependants.isEmpty()) {
                log.warn("{} is the primary address of its subnet on {}; deleting it also deletes {} unless "
                        + "net.ipv4.conf.{}.promote_secondaries=1", a, ifname, dependants, ifname);
            }
        } catch (NetException e) {
            log.debug("cannot list addresses: {}", e.getMessage());
        }
    }

    private static RtNetlink openNetlink(Duration timeout) throws NetException {
        Duration t = timeout.compareTo(NETLINK_TIMEOUT) < 0 ? timeout : NETLINK_TIMEOUT;
        return RtNetlink.open(t.isNegative() || t.isZero() ? Duration.ofMillis(1) : t);
    }
}
