package io.lifeline.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Short names of haresources groups, for {@code hactl status} rows and every hactl command that
 * takes a group (docs/haresources.md, "Group names"). A group's name stays its first resource
 * word, as in Heartbeat (that is what the nodes agree on and what the manager keys on); the short
 * name is an alias:
 * <ul>
 *   <li>given by the Lifeline ha.cf directive {@code group_name SHORT FIRST-RESOURCE-WORD}
 *       (haresources stays plain Heartbeat), else</li>
 *   <li>derived from the first resource word: an address agent's address
 *       ({@code IPaddr2::198.51.100.10/24/eth0} and
 *       {@code ocf:heartbeat:IPaddr2::ip=198.51.100.10::nic=eth0} are {@code 198.51.100.10}); a
 *       word with arguments is its agent type, a colon and the first argument's value (its file
 *       name for a path: {@code Proxy::/etc/lifeline/web.cfg} is {@code Proxy:web.cfg}); a word
 *       without arguments is itself ({@code httpd}).</li>
 * </ul>
 * A derived name that two groups share, that is another group's full name, or that is one of
 * the scope words ({@code all}, {@code local}, {@code foreign}, {@code failback}) is not used:
 * that group's short name is its full name. Explicit names that collide are errors.
 */
public final class GroupNames {

    /** The ha.cf directive. */
    public static final String DIRECTIVE = "group_name";
    /** Words hactl commands read as scopes, never as a group. */
    static final Set<String> RESERVED = Set.of("all", "local", "foreign", "failback");
    private static final Set<String> ADDRESS_AGENTS = Set.of("ipaddr", "ipaddr2", "ipv6addr");
    private static final java.util.regex.Pattern NEXT_PARAMETER = java.util.regex.Pattern.compile("::(?=[A-Za-z_][A-Za-z0-9_]*=)");

    /** Full name -> short name, for every group, in haresources order. */
    private final Map<String, String> shortByFull;
    /** Short name (lower case) -> full name. */
    private final Map<String, String> fullByShort;

    private GroupNames(Map<String, String> shortByFull) {
        this.shortByFull = shortByFull;
        this.fullByShort = new HashMap<>();
        shortByFull.forEach((full, s) -> fullByShort.put(s.toLowerCase(Locale.ROOT), full));
    }

    /** The short names of {@code haresources}' groups; problems of the {@code group_name} lines go to {@code diag}. */
    public static GroupNames of(HaCf haCf, Haresources haresources, Diagnostics diag) {
        return of(haCf.file(), haCf.extensions(), haresources, diag);
    }

    /** Derived names only (no group_name lines). */
    public static GroupNames derived(Haresources haresources) {
        return of(Path.of("ha.cf"), List.of(), haresources, new Diagnostics());
    }

    private static GroupNames of(Path file, List<HaCf.Directive> directives, Haresources haresources, Diagnostics diag) {
        Map<String, String> explicit = new HashMap<>(); // full -> short
        Map<String, Integer> explicitLines = new HashMap<>(); // short (lower case) -> line
        Set<String> fullNames = new java.util.HashSet<>();
        haresources.groups().forEach(g -> fullNames.add(g.name()));
        for (HaCf.Directive d : directives) {
            if (!d.keyword().equals(DIRECTIVE)) {
                continue;
            }
            if (d.args().size() != 2) {
                diag.error(file, d.line(), "group_name needs two words: group_name SHORT FIRST-RESOURCE-WORD");
                continue;
            }
            String shortName = d.args().get(0);
            String full = d.args().get(1);
            String key = shortName.toLowerCase(Locale.ROOT);
            if (RESERVED.contains(key)) {
                diag.error(file, d.line(), "group_name '" + shortName + "' is a scope word of hactl commands "
                        + "(all, local, foreign, failback); choose another name");
            } else if (explicitLines.containsKey(key)) {
                diag.error(file, d.line(), "group_name '" + shortName + "' is given twice (first at line "
                        + explicitLines.get(key) + ")");
            } else if (fullNames.stream().anyMatch(n -> n.equalsIgnoreCase(shortName) && !n.equals(full))) {
                // names resolve in any case, so HTTPD would shadow a group named httpd
                diag.error(file, d.line(), "group_name '" + shortName + "' is the name of another group");
            } else if (!fullNames.contains(full)) {
                diag.warning(file, d.line(), "group_name " + shortName + ": no haresources group starts with '"
                        + full + "'; ignored");
            } else if (explicit.containsKey(full)) {
                diag.error(file, d.line(), "group_name: group '" + full + "' is already named '" + explicit.get(full)
                        + "'");
            } else {
                explicit.put(full, shortName);
                explicitLines.put(key, d.line());
            }
        }
        Map<String, Integer> derivedCount = new HashMap<>();
        Map<String, String> derived = new HashMap<>();
        for (ResourceGroup g : haresources.groups()) {
            if (!explicit.containsKey(g.name())) {
                String d = derive(g.resources().get(0));
                derived.put(g.name(), d);
                derivedCount.merge(d.toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (ResourceGroup g : haresources.groups()) {
            String s = explicit.get(g.name());
            if (s == null) {
                String d = derived.get(g.name());
                String key = d.toLowerCase(Locale.ROOT);
                boolean usable = derivedCount.get(key) == 1 && !explicitLines.containsKey(key)
                        && !RESERVED.contains(key) && (d.equals(g.name()) || !fullNames.contains(d));
                s = usable ? d : g.name();
            }
            out.put(g.name(), s);
        }
        return new GroupNames(out);
    }

    /** The short form of a group's first resource (before collisions are ruled out). */
    static String derive(ResourceSpec first) {
        String type = first.name().substring(first.name().lastIndexOf(':') + 1);
        if (first.args().isEmpty()) {
            return first.word();
        }
        if (ADDRESS_AGENTS.contains(type.toLowerCase(Locale.ROOT))) {
            // an IPv6 address holds "::" itself: take the word after the agent, up to the next
            // KEY= argument (OCF style), without the key and the /bits/interface part
            int after = first.word().indexOf("::");
            String rest = after < 0 ? first.word() : first.word().substring(after + 2); // a bare address has none
            rest = NEXT_PARAMETER.split(rest, 2)[0];
            rest = rest.matches("[A-Za-z_][A-Za-z0-9_]*=.*") ? rest.substring(rest.indexOf('=') + 1) : rest;
            int slash = rest.indexOf('/');
            return slash > 0 ? rest.substring(0, slash) : rest;
        }
        String value = first.args().get(0);
        value = value.substring(value.indexOf('=') + 1);
        if (value.contains("/")) {
            String tail = value.substring(value.lastIndexOf('/') + 1);
            value = tail.isEmpty() ? value : tail;
        }
        return type + ":" + value;
    }

    /** The short name of the group named {@code full} (itself when the group is unknown). */
    public String shortName(String full) {
        return shortByFull.getOrDefault(full, full);
    }

    /**
     * The group {@code name} means: a full name as it is, else the group whose short name it is
     * (case-insensitively); empty when it is neither.
     */
    public Optional<String> resolve(String name) {
        if (shortByFull.containsKey(name)) {
            return Optional.of(name);
        }
        return Optional.ofNullable(fullByShort.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Full name -> short name, in haresources order. */
    public Map<String, String> all() {
        return java.util.Collections.unmodifiableMap(shortByFull);
    }
}
