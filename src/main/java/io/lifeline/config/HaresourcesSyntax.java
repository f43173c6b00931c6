package io.lifeline.config;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The haresources language in one table: the forms of a line and of a resource word, with the
 * constants {@link HaresourcesParser} applies. haresources has no keywords, so its reference is
 * this table of forms; docs/haresources.md contains {@link #markdownReference()} verbatim (a test
 * keeps them equal) and haresources(5) is generated from it.
 */
public final class HaresourcesSyntax {

    private HaresourcesSyntax() {
    }

    /** One form of the language: how it is written, and what it means. */
    public record Form(String syntax, String meaning) {
    }

    /** ResourceManager's isip test, minus its glob sloppiness: four numbers, then optional /args. */
    static final Pattern BARE_IP = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/.*)?");

    /** Agents whose arguments may be IPv6 addresses, which contain "::" themselves. */
    static final Set<String> ADDRESS_AGENTS = Set.of("IPaddr", "IPaddr2", "IPv6addr");

    /** Every form, in documentation order. */
    public static final List<Form> FORMS = List.of(
            new Form("NODE RESOURCE [RESOURCE...]", "One resource group per line. NODE is the group's home "
                    + "node, compared case-insensitively with the ha.cf `node` names. The resources start "
                    + "left to right and stop right to left, on one node at a time. The first resource "
                    + "names the group and must be unique in the file."),
            new Form("... \\", "A backslash at the end of a line continues the group on the next line."),
            new Form("# comment", "From `#` to the end of the line is a comment; blank lines are ignored."),
            new Form("NAME", "A resource without arguments: a built-in agent, a script in "
                    + "/usr/share/lifeline/resource-agents or /etc/ha.d/resource.d, or an init script in "
                    + "/etc/init.d, looked up in that order."),
            new Form("NAME::ARG[::ARG...]", "A resource with arguments, passed to the agent in order. An "
                    + "empty argument (`::` twice in a row, or at the end) is an error, except for the "
                    + "address agents " + String.join(", ", ADDRESS_AGENTS.stream().sorted().toList())
                    + ", whose IPv6 addresses contain `::`."),
            new Form("ADDRESS[/PREFIX[/INTERFACE[/BROADCAST]]]", "A word that is an IPv4 address (four "
                    + "numbers, optionally followed by `/...`) means `IPaddr::` followed by the word: a "
                    + "virtual IP address."),
            new Form("ocf:PROVIDER:TYPE[::NAME=VALUE...]", "An OCF resource agent, "
                    + "/usr/lib/ocf/resource.d/PROVIDER/TYPE, with its parameters."),
            new Form("lsb:NAME", "The LSB init script /etc/init.d/NAME (no arguments)."),
            new Form("systemd:NAME", "The systemd unit NAME (`.service` implied), through systemctl "
                    + "(no arguments)."),
            new Form("heartbeat:NAME[::ARG...]", "A Heartbeat-style script, skipping the built-in agents of "
                    + "the same name (e.g. Heartbeat's own resource.d/IPaddr)."));

    /**
     * The reference in Markdown, as included in docs/haresources.md (a test checks that the file
     * contains exactly this text).
     */
    public static String markdownReference() {
        StringBuilder sb = new StringBuilder();
        sb.append("| form | meaning |\n| --- | --- |\n");
        for (Form f : FORMS) {
            sb.append("| `").append(f.syntax().replace("|", "\\|")).append("` | ")
                    .append(f.meaning().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
