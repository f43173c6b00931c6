package io.lifeline.cli;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.agent.AgentResult;
import io.lifeline.agent.ip.IpAddrAgent;
import io.lifeline.agent.ip.IpAddrAgentFactory;
import io.lifeline.config.ResourceSpec;
import io.lifeline.net.Addresses;
import io.lifeline.net.InterfaceAddress;
import io.lifeline.net.IpFamily;
import io.lifeline.net.LinkState;
import io.lifeline.net.NetException;
import io.lifeline.net.RtNetlink;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hactl vip}: the virtual-IP agent by hand, outside the cluster (for testing a haresources
 * line, or an emergency). Exit codes are OCF codes: 0 ok, 1 generic error, 2 bad arguments,
 * 4 insufficient privilege, 6 not configured, 7 not running.
 */
@Command(name = "vip",
        mixinStandardHelpOptions = true,
        description = {"Manage a virtual IP address by hand, as the IPaddr/IPaddr2/IPv6addr resource would.",
                "SPEC is a haresources word: [IPaddr::|IPaddr2::|IPv6addr::]IP[/BITS[/IFACE[/BROADCAST]]]"
                        + "[::key=value...]; options may also follow as separate arguments.",
                "Exit codes are OCF codes: 0 ok, 1 error, 2 bad arguments, 4 insufficient privilege, "
                        + "6 not configured, 7 not running."},
        subcommands = {VipCommand.Add.class, VipCommand.Del.class, VipCommand.Status.class,
                VipCommand.Announce.class, VipCommand.ListAddresses.class})
public final class VipCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What the add/del/status/announce subcommands share: the SPEC and a timeout. */
    abstract static class Action implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SPEC", description = "the address, as in haresources")
        String word;

        @Parameters(index = "1..*", paramLabel = "key=value", description = "options (arp_count=3, arp_mode=reply, ...)")
        List<String> extraOptions = new ArrayList<>();

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s",
                description = "give up after this long (20s, 500ms; default ${DEFAULT-VALUE})")
        String timeout;

        @Override
        public Integer call() throws Exception {
            Duration t;
            IpAddrAgent agent;
            try {
                t = parseDuration(timeout);
                agent = new IpAddrAgentFactory().create(toResourceSpec(word, extraOptions));
            } catch (AgentConfigException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("hactl vip: " + e.getMessage());
                return 2;
            }
            long started = System.nanoTime();
            AgentResult r = act(agent, t);
            long ms = (System.nanoTime() - started) / 1_000_000;
            PrintWriter out = r.isSuccess() ? spec.commandLine().getOut() : spec.commandLine().getErr();
            out.println((r.isSuccess() ? "" : "hactl vip: ") + r + " (" + ms + " ms)");
            if (r.isSuccess()) {
                // a one-shot process must not exit before the background part of the burst went out
                agent.awaitAnnouncements(t);
            }
            return r.status().code();
        }

        abstract AgentResult act(IpAddrAgent agent, Duration timeout);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Probe for another owner, add the address, announce it (agent start).")
    static final class Add extends Action {
        @Override
        AgentResult act(IpAddrAgent agent, Duration timeout) {
            return agent.start(timeout);
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Delete the address (agent stop).")
    static final class Del extends Action {
        @Override
        AgentResult act(IpAddrAgent agent, Duration timeout) {
            return agent.stop(timeout);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Check that the address is present and its link up (agent monitor).")
    static final class Status extends Action {
        @Override
        AgentResult act(IpAddrAgent agent, Duration timeout) {
            return agent.monitor(timeout);
        }
    }

    @Command(name = "announce", mixinStandardHelpOptions = true, description = "Send the gratuitous ARP / neighbour advertisement burst again.")
    static final class Announce extends Action {
        @Override
        AgentResult act(IpAddrAgent agent, Duration timeout) {
            return agent.reannounce(timeout);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the IPv4 and IPv6 addresses of this host (as rtnetlink reports them).")
    static final class ListAddresses implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--all", description = "include link-local and host-scope addresses")
        boolean all;

        @Override
        public Integer call() throws NetException {
            PrintWriter out = spec.commandLine().getOut();
            try (RtNetlink nl = RtNetlink.open(Duration.ofSeconds(5))) {
                Map<Integer, String> names = new HashMap<>();
                out.printf(java.util.Locale.ROOT, "%-15s %-40s %-15s %s%n", "INTERFACE", "ADDRESS", "LABEL", "FLAGS");
                for (IpFamily family : IpFamily.values()) {
                    for (InterfaceAddress a : nl.addresses(family)) {
                        if (!all && a.scope() != 0) {
                            continue;
                        }
                        String name = names.computeIfAbsent(a.ifindex(), i -> linkName(nl, i));
                        out.printf(java.util.Locale.ROOT, "%-15s %-40s %-15s %s%n", name, Addresses.format(a.address(), a.prefixLength()),
                                a.label().isEmpty() || a.label().equals(name) ? "-" : a.label(), flags(a));
                    }
                }
            }
            return 0;
        }

        private static String linkName(RtNetlink nl, int ifindex) {
            try {
                LinkState l = nl.link(ifindex);
                return l.name();
            } catch (NetException e) {
                return "ifindex " + ifindex;
            }
        }

        private static String flags(InterfaceAddress a) {
            List<String> f = new ArrayList<>();
            if (a.isSecondary()) {
                f.add("secondary");
            }
            if ((a.flags() & InterfaceAddress.IFA_F_NODAD) != 0) {
                f.add("nodad");
            }
            if (a.isTentative()) {
                f.add("tentative");
            }
            if (a.isDadFailed()) {
                f.add("dadfailed");
            }
            return f.isEmpty() ? "-" : String.join(",", f);
        }
    }

    private static final List<String> AGENTS = List.of("IPaddr", "IPaddr2", "IPv6addr");

    /**
     * Turns a command-line SPEC into the ResourceSpec haresources would give: a leading agent
     * name selects it; otherwise IPaddr, or IPv6addr for an address with a colon.
     */
    static ResourceSpec toResourceSpec(String word, List<String> extraOptions) {
        String name = null;
        String rest = word;
        for (String a : AGENTS) {
            if (word.startsWith(a + "::")) {
                name = a;
                rest = word.substring(a.length() + 2);
            }
        }
        List<String> args = new ArrayList<>(Arrays.asList(rest.split("::", -1)));
        if (name == null) {
            // the address is what precedes the first '/' once the key=value options are set aside;
            // a colon there (not in eth0:0 or an option) means IPv6
            String address = String.join("::", args.stream().filter(x -> !x.contains("=")).toList());
            name = address.split("/", 2)[0].contains(":") ? "IPv6addr" : "IPaddr";
        }
        args.addAll(extraOptions);
        String fullWord = name + "::" + rest + (extraOptions.isEmpty() ? "" : "::" + String.join("::", extraOptions));
        return new ResourceSpec(name, args, fullWord, 0);
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m)?");

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--timeout " + text + ": expected a duration such as 20s or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return unit.equals("ms") ? Duration.ofMillis(n) : unit.equals("s") ? Duration.ofSeconds(n)
                : Duration.ofMinutes(n);
    }
}
