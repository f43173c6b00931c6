package io.lifeline.agent.ip;

import io.lifeline.agent.AgentConfigException;
import io.lifeline.net.ArpMode;
import io.lifeline.net.IpFamily;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Heartbeat's virtual-IP arguments, as the resource.d wrappers split them:
 * <pre>
 *   IPaddr::IP[/BITS[/IFACE[/BROADCAST]]]      IFACE may be eth0 or eth0:label
 *   IPaddr::IP/BITS/BROADCAST                   a third field starting with a digit is the broadcast
 *   IPv6addr::IPV6[/BITS[/IFACE]]
 * </pre>
 * followed by Lifeline options, each after its own {@code ::} ({@code ::arp_count=3}). Since an
 * IPv6 address contains {@code ::} itself, the positional pieces before the first option are
 * joined back with {@code ::}. Nothing here touches the system: no DNS, no interface lookups.
 */
public final class IpAddrArguments {
    static final Set<String> KEYS = Set.of("arp_count", "arp_interval", "arp_mode", "arp_refresh", "dad_probe",
            "dad_count", "dad_interval", "iflabel");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.@+-]{1,15}");
    private static final Pattern LABEL_TAG = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private IpAddrArguments() {
    }

    /**
     * @param agentType {@code IPaddr}, {@code IPaddr2} or {@code IPv6addr}
     * @param args the words after {@code agentType::} in haresources
     */
    public static IpAddrSpec parse(String agentType, List<String> args) throws AgentConfigException {
        List<String> positional = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String a : args) {
            if (a.contains("=")) {
                options.add(a);
            } else if (!options.isEmpty()) {
                throw new AgentConfigException("\"" + a + "\" after the options: the address must come first, then "
                        + "key=value options (" + usage(agentType) + ")");
            } else {
                positional.add(a);
            }
        }
        String addressSpec = String.join("::", positional).trim();
        if (addressSpec.isEmpty()) {
            throw new AgentConfigException(agentType + " needs an address: " + usage(agentType));
        }
        VipOptions opts = parseOptions(options);
        return parseAddressSpec(agentType, addressSpec, opts);
    }

    static String usage(String agentType) {
        return "IPv6addr".equals(agentType) ? "IPv6addr::IPV6[/BITS[/IFACE]][::key=value...]"
                : agentType + "::IP[/BITS[/IFACE[/BROADCAST]]][::key=value...]";
    }

    private static IpAddrSpec parseAddressSpec(String agentType, String spec, VipOptions opts)
            throws AgentConfigException {
        String[] f = spec.split("/", -1);
        if (f.length > 4) {
            throw new AgentConfigException("\"" + spec + "\" has " + f.length + " /-separated fields, at most 4 are "
                    + "allowed: " + usage(agentType));
        }
        InetAddress address = address(agentType, f[0]);
        IpFamily family = IpFamily.of(address);
        OptionalInt prefix = f.length > 1 ? prefixLength(f[1], family, spec) : OptionalInt.empty();
        Optional<String> nic = Optional.empty();
        Optional<String> label = Optional.empty();
        String broadcastField = null;
        if (f.length > 2 && !f[2].isEmpty()) {
            // Heartbeat's rule: a third field starting with a digit is the broadcast, not an interface
            if (Character.isDigit(f[2].charAt(0)) || f[2].equals("+") || f[2].equals("-")) {
                if (f.length > 3) {
                    throw new AgentConfigException("\"" + f[2] + "\" in \"" + spec + "\" looks like a broadcast "
                            + "address, so nothing may follow it; the order is IP/BITS/IFACE/BROADCAST");
                }
                broadcastField = f[2];
            } else {
                String iface = f[2];
                int colon = iface.indexOf(':');
                String base = colon < 0 ? iface : iface.substring(0, colon);
                if (!IFNAME.matcher(base).matches()) {
                    throw new AgentConfigException("\"" + base + "\" is not a valid interface name (1 to 15 letters, "
                            + "digits or . _ - @ +)");
                }
                nic = Optional.of(base);
                if (colon >= 0) {
                    if (family == IpFamily.IPV6) {
                        throw new AgentConfigException("\"" + iface + "\": IPv6 addresses have no labels; write the "
                                + "interface alone (" + base + ")");
                    }
                    String tag = iface.substring(colon + 1);
                    if (!LABEL_TAG.matcher(tag).matches()) {
                        throw new AgentConfigException("\"" + iface + "\" is not a valid interface label: after the "
                                + "colon come letters, digits or . _ - +");
                    }
                    checkLabelLength(iface);
                    label = Optional.of(iface);
                }
            }
        }
        if (f.length > 3) {
            broadcastField = f[3];
        }
        IpAddrSpec.Broadcast broadcast = broadcast(broadcastField, family, spec);
        if (opts.ifLabel().isPresent() && family == IpFamily.IPV6) {
            throw new AgentConfigException("iflabel: IPv6 addresses have no labels");
        }
        if (label.isPresent() && opts.ifLabel().isPresent()) {
            throw new AgentConfigException("the label is given twice: as " + label.get() + " and as iflabel="
                    + opts.ifLabel().get() + "; keep one");
        }
        if (nic.isPresent() && opts.ifLabel().isPresent()) {
            checkLabelLength(nic.get() + ":" + opts.ifLabel().get());
        }
        return new IpAddrSpec(address, prefix, nic, label, broadcast, opts);
    }

    static void checkLabelLength(String label) throws AgentConfigException {
        if (label.length() > 15) {
            throw new AgentConfigException("label \"" + label + "\" has " + label.length() + " characters; the "
                    + "kernel allows at most 15 (interface name, colon and tag)");
        }
    }

    private static InetAddress address(String agentType, String text) throws AgentConfigException {
        if (text.isEmpty()) {
            throw new AgentConfigException(agentType + " needs an address: " + usage(agentType));
        }
        InetAddress a;
        if (text.indexOf(':') >= 0) {
            a = ipv6(text);
            if ("IPaddr".equals(agentType)) {
                throw new AgentConfigException("IPaddr manages IPv4 addresses; for " + text
                        + " use IPv6addr or IPaddr2");
            }
        } else {
            a = ipv4(text);
            if ("IPv6addr".equals(agentType)) {
                throw new AgentConfigException("IPv6addr manages IPv6 addresses; for " + text
                        + " use IPaddr or IPaddr2");
            }
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()
                || (a instanceof Inet4Address && text.equals("255.255.255.255"))) {
            throw new AgentConfigException(text + " cannot be assigned to an interface (unspecified, multicast or "
                    + "broadcast address)");
        }
        return a;
    }

    /** Strict dotted quad: four decimal numbers 0-255 without leading zeros (no octal surprises). */
    static Inet4Address ipv4(String text) throws AgentConfigException {
        String[] parts = text.split("\\.", -1);
        byte[] b = new byte[4];
        boolean ok = parts.length == 4;
        for (int i = 0; ok && i < 4; i++) {
            String p = parts[i];
            ok = p.matches("0|[1-9][0-9]{0,2}") && Integer.parseInt(p) <= 255;
            if (ok) {
                b[i] = (byte) Integer.parseInt(p);
            }
        }
        if (!ok) {
            throw new AgentConfigException("\"" + text + "\" is not an IPv4 address (dotted quad such as "
                    + "198.51.100.10; host names are not accepted)");
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 bytes is always valid
        }
    }

    static Inet6Address ipv6(String text) throws AgentConfigException {
        // only characters of a literal: InetAddress.getByName must never fall back to DNS
        if (!text.matches("[0-9A-Fa-f:.]+") || !text.contains(":")) {
            throw new AgentConfigException("\"" + text + "\" is not an IPv6 address (such as 2001:db8::10; zone "
                    + "ids and host names are not accepted)");
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            if (a instanceof Inet6Address) {
                return (Inet6Address) a;
            }
            throw new AgentConfigException("\"" + text + "\" is an IPv4-mapped address; write the IPv4 address "
                    + "with IPaddr instead");
        } catch (UnknownHostException e) {
            throw new AgentConfigException("\"" + text + "\" is not an IPv6 address (such as 2001:db8::10)");
        }
    }

    private static OptionalInt prefixLength(String text, IpFamily family, String spec) throws AgentConfigException {
        if (text.isEmpty()) {
            return OptionalInt.empty(); // IP//eth0: prefix from the connected route
        }
        int max = family.maxPrefixLength();
        if (text.matches("\\d{1,3}")) {
            int bits = Integer.parseInt(text);
            if (bits < 1 || bits > max) {
                throw new AgentConfigException("netmask bits " + text + " in \"" + spec + "\" out of range 1-" + max);
            }
            return OptionalInt.of(bits);
        }
        if (family == IpFamily.IPV4 && text.contains(".")) {
            byte[] m = ipv4(text).getAddress();
            int mask = ((m[0] & 0xff) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff);
            int bits = Integer.bitCount(mask);
            if (mask == 0 || mask != (int) (0xffffffffL << (32 - bits))) {
                throw new AgentConfigException("netmask " + text + " in \"" + spec + "\" is not contiguous");
            }
            return OptionalInt.of(bits);
        }
        throw new AgentConfigException("\"" + text + "\" in \"" + spec + "\" is not a netmask: give the number of "
                + "bits (1-" + max + ")" + (family == IpFamily.IPV4 ? " or a dotted mask such as 255.255.255.0" : ""));
    }

    private static IpAddrSpec.Broadcast broadcast(String text, IpFamily family, String spec)
            throws AgentConfigException {
        if (text == null || text.isEmpty()) {
            return IpAddrSpec.Broadcast.DEFAULT;
        }
        if (family == IpFamily.IPV6) {
            throw new AgentConfigException("\"" + text + "\" in \"" + spec + "\": IPv6 has no broadcast address");
        }
        if (text.equals("+")) {
            return IpAddrSpec.Broadcast.DEFAULT;
        }
        if (text.equals("-")) {
            return new IpAddrSpec.Broadcast(IpAddrSpec.Broadcast.Kind.LOWEST, null);
        }
        if (!Character.isDigit(text.charAt(0))) {
            throw new AgentConfigException("\"" + text + "\" in \"" + spec + "\" is not a broadcast address");
        }
        return new IpAddrSpec.Broadcast(IpAddrSpec.Broadcast.Kind.EXPLICIT, ipv4(text));
    }

    private static VipOptions parseOptions(List<String> options) throws AgentConfigException {
        VipOptions d = VipOptions.DEFAULTS;
        int arpCount = d.arpCount();
        Duration arpInterval = d.arpInterval();
        ArpMode arpMode = d.arpMode();
        Duration arpRefresh = d.arpRefresh();
        boolean dadProbe = d.dadProbe();
        int dadCount = d.dadCount();
        Duration dadInterval = d.dadInterval();
        Optional<String> ifLabel = d.ifLabel();
        Set<String> seen = new HashSet<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            String key = o.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = o.substring(eq + 1).trim();
            if (!KEYS.contains(key)) {
                throw new AgentConfigException("unknown option \"" + key + "\"; known: " + String.join(", ",
                        KEYS.stream().sorted().toList()));
            }
            if (!seen.add(key)) {
                throw new AgentConfigException("option " + key + " is given twice");
            }
            switch (key) {
                case "arp_count":
                    arpCount = integer(key, value, 0, 100);
                    break;
                case "arp_interval":
                    arpInterval = duration(key, value, "ms", Duration.ofMillis(10), Duration.ofSeconds(10));
                    break;
                case "arp_mode":
                    try {
                        arpMode = ArpMode.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new AgentConfigException("arp_mode: " + e.getMessage());
                    }
                    break;
                case "arp_refresh":
                    arpRefresh = value.equals("0") || value.equalsIgnoreCase("off") ? Duration.ZERO
                            : duration(key, value, "s", Duration.ofSeconds(1), Duration.ofDays(1));
                    break;
                case "dad_probe":
                    dadProbe = onOff(key, value);
                    break;
                case "dad_count":
                    dadCount = integer(key, value, 1, 10);
                    break;
                case "dad_interval":
                    dadInterval = duration(key, value, "ms", Duration.ofMillis(10), Duration.ofSeconds(5));
                    break;
                case "iflabel":
                    if (!LABEL_TAG.matcher(value).matches() || value.length() > 14) {
                        throw new AgentConfigException("iflabel \"" + value + "\": 1 to 14 letters, digits or . _ - +");
                    }
                    ifLabel = Optional.of(value);
                    break;
                default:
                    throw new IllegalStateException("key list and switch disagree: " + key);
            }
        }
        return new VipOptions(arpCount, arpInterval, arpMode, arpRefresh, dadProbe, dadCount, dadInterval, ifLabel);
    }

    private static int integer(String key, String value, int min, int max) throws AgentConfigException {
        if (!value.matches("\\d{1,6}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
            throw new AgentConfigException(key + "=" + value + ": expected a whole number from " + min + " to " + max);
        }
        return Integer.parseInt(value);
    }

    private static boolean onOff(String key, String value) throws AgentConfigException {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "on": case "yes": case "true": case "1":
                return true;
            case "off": case "no": case "false": case "0":
                return false;
            default:
                throw new AgentConfigException(key + "=" + value + ": expected on or off");
        }
    }

    /** {@code 200}, {@code 200ms}, {@code 2s}, {@code 1m}; a bare number is in {@code defaultUnit}. */
    static Duration duration(String key, String value, String defaultUnit, Duration min, Duration max)
            throws AgentConfigException {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new AgentConfigException(key + "=" + value + ": expected a duration such as 200ms, 2s or 1m (a bare "
                    + "number is in " + (defaultUnit.equals("ms") ? "milliseconds" : "seconds") + ")");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? defaultUnit : m.group(2);
        Duration d = unit.equals("ms") ? Duration.ofMillis(n) : unit.equals("s") ? Duration.ofSeconds(n)
                : Duration.ofMinutes(n);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new AgentConfigException(key + "=" + value + ": must be between " + human(min) + " and " + human(max));
        }
        return d;
    }

    static String human(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
