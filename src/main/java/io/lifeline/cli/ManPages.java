package io.lifeline.cli;

import io.lifeline.config.AuthkeysSyntax;
import io.lifeline.config.HaCfKeywords;
import io.lifeline.config.HaresourcesSyntax;
import io.lifeline.config.Keyword;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The manual pages, in man(7) roff, generated from what the program itself knows: hactl(8)
 * from the picocli model (every subcommand, option and parameter), ha.cf(5), haresources(5)
 * and authkeys(5) from the keyword tables the parsers use. Nothing here is written by hand
 * twice, so a new option or directive reaches the manual with the next build.
 *
 * <p>picocli-codegen's ManPageGenerator writes AsciiDoc, which needs asciidoctor to become a man
 * page; roff is simple enough to write directly.
 */
public final class ManPages {

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    private final String version;

    /** @param version the package version, shown in each page's footer */
    public ManPages(String version) {
        this.version = version;
    }

    /** hactl(8): the synopsis, then every subcommand with its options and parameters. */
    public String hactl(CommandLine root) {
        StringBuilder sb = header("HACTL", 8, "System Administration");
        CommandSpec spec = root.getCommandSpec();
        section(sb, "NAME");
        sb.append("hactl \\- control and run the Lifeline high-availability cluster daemon\n");
        section(sb, "SYNOPSIS");
        sb.append(".B hactl\n.RI [ OPTIONS ] \" COMMAND \" [ ARGS ...]\n");
        section(sb, "DESCRIPTION");
        paragraph(sb, String.join(" ", spec.usageMessage().description()) + " Lifeline runs the resource "
                + "groups of /etc/ha.d/haresources on the nodes of /etc/ha.d/ha.cf, Heartbeat-style: it "
                + "detects node and link failures, moves groups, and restarts or moves failed resources. "
                + "`hactl daemon` is the daemon (run by systemd as lifeline.service); every other command "
                + "checks configuration or talks to the running daemon through its control socket.");
        section(sb, "OPTIONS");
        tagged(sb, "-h, --help", "Show the usage and exit; after a command, that command's usage.");
        tagged(sb, "-V, --version", "Print the version and exit.");
        options(sb, spec);
        section(sb, "COMMANDS");
        for (CommandLine sub : root.getSubcommands().values()) {
            command(sb, sub.getCommandSpec());
        }
        section(sb, "EXIT STATUS");
        paragraph(sb, "0 on success; 1 when the command failed (for check-config: the configuration has "
                + "errors); 2 for invalid arguments.");
        section(sb, "FILES");
        files(sb);
        section(sb, "ENVIRONMENT");
        tagged(sb, "LIFELINE_JAVA_OPTS", "Extra JVM options, added after the launcher's own.");
        tagged(sb, "JAVA_HOME, JAVA", "The Java runtime to use (default: java on the PATH).");
        tagged(sb, "LIFELINE_JAR", "The Lifeline jar (default: /usr/share/lifeline/lifeline.jar).");
        seeAlso(sb, "ha.cf (5), haresources (5), authkeys (5), systemctl (1)");
        return sb.toString();
    }

    /** ha.cf(5): every directive of {@link HaCfKeywords}, grouped by what Lifeline does with it. */
    public String haCf() {
        StringBuilder sb = header("HA.CF", 5, "File Formats");
        section(sb, "NAME");
        sb.append("ha.cf \\- Lifeline cluster configuration (Heartbeat 3 syntax)\n");
        section(sb, "SYNOPSIS");
        sb.append("/etc/ha.d/ha.cf\n");
        section(sb, "DESCRIPTION");
        paragraph(sb, "One directive per line, `#` starts a comment; identical on every node. Line order "
                + "matters: `udpport` must come before the bcast and ucast lines that use it. TIME is seconds "
                + "(`2`, `1.5`) or milliseconds (`1500ms`); booleans are on/off, yes/no, true/false, y/n, 1/0. "
                + "Check the file with `hactl check-config`: problems are printed as FILE:LINE: error|warning: "
                + "MESSAGE.");
        paragraph(sb, "Every Heartbeat directive is listed: used, ignored (a warning gives the reason), or not "
                + "supported (a warning; the feature is absent). A word that is not listed is an unknown "
                + "directive: a warning, so that a typo is seen. Malformed values are errors.");
        String[][] groups = {
                {"USED", "HEARTBEAT DIRECTIVES"},
                {"LIFELINE", "LIFELINE DIRECTIVES"},
                {"LIFELINE_MANAGER", "RESOURCE MANAGER DIRECTIVES (LIFELINE)"},
                {"UNSUPPORTED", "HEARTBEAT DIRECTIVES NOT SUPPORTED"},
                {"IGNORED", "HEARTBEAT DIRECTIVES IGNORED"}};
        for (String[] g : groups) {
            Keyword.Status status = Keyword.Status.valueOf(g[0]);
            section(sb, g[1]);
            for (Keyword<Void> k : HaCfKeywords.ALL.values()) {
                if (k.status() == status) {
                    tagged(sb, k.syntax(), status == Keyword.Status.IGNORED
                            ? "Accepted but ignored: " + k.meaning() + "." : k.meaning());
                }
            }
        }
        section(sb, "EXAMPLE");
        example(sb, "logfacility daemon\nkeepalive 1\ndeadtime 10\nwarntime 5\ninitdead 20\nudpport 694\n"
                + "bcast eth1\nnode node1\nnode node2\nauto_failback off\nping 198.51.100.1");
        section(sb, "FILES");
        files(sb);
        seeAlso(sb, "hactl (8), haresources (5), authkeys (5)");
        return sb.toString();
    }

    /** haresources(5): the forms of {@link HaresourcesSyntax}. */
    public String haresources() {
        StringBuilder sb = header("HARESOURCES", 5, "File Formats");
        section(sb, "NAME");
        sb.append("haresources \\- Lifeline resource groups (Heartbeat 3 syntax)\n");
        section(sb, "SYNOPSIS");
        sb.append("/etc/ha.d/haresources\n");
        section(sb, "DESCRIPTION");
        paragraph(sb, "The resource groups of the cluster, identical on every node. Monitoring and failure "
                + "handling of each resource are set in ha.cf (`monitor`, `resource_defaults`).");
        section(sb, "FORMS");
        for (HaresourcesSyntax.Form f : HaresourcesSyntax.FORMS) {
            tagged(sb, f.syntax(), f.meaning());
        }
        section(sb, "EXAMPLE");
        example(sb, "node1  198.51.100.10  nginx::/etc/nginx/nginx.conf\n"
                + "node2  IPaddr::203.0.113.5/24/eth1  ocf:heartbeat:apache::configfile=/etc/apache2/apache2.conf\n"
                + "node1  systemd:haproxy  Filesystem::/dev/sdb1::/srv::ext4");
        section(sb, "FILES");
        files(sb);
        seeAlso(sb, "hactl (8), ha.cf (5), authkeys (5)");
        return sb.toString();
    }

    /** authkeys(5): the line forms and signing methods of {@link AuthkeysSyntax}. */
    public String authkeys() {
        StringBuilder sb = header("AUTHKEYS", 5, "File Formats");
        section(sb, "NAME");
        sb.append("authkeys \\- Lifeline cluster authentication keys (Heartbeat 3 syntax)\n");
        section(sb, "SYNOPSIS");
        sb.append("/etc/ha.d/authkeys\n");
        section(sb, "DESCRIPTION");
        paragraph(sb, "The keys that sign and verify every cluster message; identical on every node. The file "
                + "must be mode 600 and owned by the user that runs the daemon (root): anyone who can read "
                + "it can join the cluster. `hactl keygen` writes a new one.");
        section(sb, "FORMS");
        for (AuthkeysSyntax.Form f : AuthkeysSyntax.FORMS) {
            tagged(sb, f.syntax(), f.meaning());
        }
        section(sb, "METHODS");
        for (var e : AuthkeysSyntax.METHODS.entrySet()) {
            tagged(sb, e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        }
        section(sb, "EXAMPLE");
        example(sb, "auth 1\n1 sha256 9f2c6e0b5d7a4c13e8f1a2b3c4d5e6f7");
        section(sb, "FILES");
        files(sb);
        seeAlso(sb, "hactl (8), ha.cf (5), haresources (5)");
        return sb.toString();
    }

    /** The names the generated pages are installed as. */
    public static List<String> pageNames() {
        return List.of("hactl.8", "ha.cf.5", "haresources.5", "authkeys.5");
    }

    // --- hactl(8) parts

    private void command(StringBuilder sb, CommandSpec c) {
        List<String> path = new ArrayList<>();
        for (CommandSpec s = c; s != null; s = s.parent()) {
            path.add(0, s.name());
        }
        sb.append(".SS \"").append(escape(String.join(" ", path)));
        for (PositionalParamSpec p : c.positionalParameters()) {
            sb.append(' ').append(escape(p.paramLabel()));
        }
        sb.append("\"\n");
        paragraph(sb, String.join(" ", c.usageMessage().description()));
        options(sb, c);
        for (CommandLine sub : c.subcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                command(sb, sub.getCommandSpec());
            }
        }
    }

    private void options(StringBuilder sb, CommandSpec c) {
        for (PositionalParamSpec p : c.positionalParameters()) {
            if (!p.hidden()) {
                tagged(sb, p.paramLabel(), String.join(" ", p.description()));
            }
        }
        for (OptionSpec o : c.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String names = String.join(", ", o.names());
            String label = o.typeInfo().isBoolean() ? "" : " " + o.paramLabel();
            tagged(sb, names + label, String.join(" ", o.description()));
        }
    }

    // --- roff

    private StringBuilder header(String title, int section, String manual) {
        StringBuilder sb = new StringBuilder();
        sb.append(".\\\" Generated by io.lifeline.cli.ManPages from the program's own tables; do not edit.\n");
        sb.append(".TH ").append(title).append(' ').append(section).append(" \"\" \"Lifeline ")
                .append(escape(version)).append("\" \"").append(manual).append("\"\n");
        return sb;
    }

    private static void section(StringBuilder sb, String name) {
        sb.append(".SH \"").append(name).append("\"\n");
    }

    private static void paragraph(StringBuilder sb, String text) {
        sb.append(".PP\n").append(text(text)).append('\n');
    }

    private static void tagged(StringBuilder sb, String tag, String text) {
        sb.append(".TP\n.B \"").append(escape(tag).replace("\"", "\\(dq")).append("\"\n")
                .append(text(text)).append('\n');
    }

    private static void example(StringBuilder sb, String text) {
        sb.append(".PP\n.nf\n.RS 4\n");
        for (String line : text.split("\n")) {
            sb.append(lineStart(escape(line))).append('\n');
        }
        sb.append(".RE\n.fi\n");
    }

    private static void files(StringBuilder sb) {
        tagged(sb, "/etc/ha.d/ha.cf", "Cluster configuration, ha.cf(5).");
        tagged(sb, "/etc/ha.d/haresources", "Resource groups, haresources(5).");
        tagged(sb, "/etc/ha.d/authkeys", "Cluster keys, authkeys(5).");
        tagged(sb, "/usr/share/doc/lifeline/examples", "Example configurations, including HAProxy, "
                + "proxy and IPVS resources.");
        tagged(sb, "/var/lib/lifeline", "State kept across restarts.");
    }

    private static void seeAlso(StringBuilder sb, String pages) {
        section(sb, "SEE ALSO");
        StringBuilder out = new StringBuilder();
        for (String ref : pages.split(", ")) {
            String[] p = ref.split(" ");
            if (out.length() > 0) {
                out.append(",\n");
            }
            out.append(".BR ").append(p[0]).append(' ').append(p[1]);
        }
        sb.append(out).append('\n');
    }

    /** Running text: roff-escaped, `code` in bold, and no line starting with a control character. */
    private static String text(String s) {
        // picocli descriptions are format strings: %n is a line break, %% a percent sign
        String plain = s.replace("%n", " ").replace("%%", "%").strip();
        Matcher m = CODE.matcher(escape(plain));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement("\\fB" + m.group(1) + "\\fR"));
        }
        m.appendTail(sb);
        return lineStart(breakable(sb.toString()));
    }

    /**
     * Gives roff break points (\: after '|', '/' and ']') inside words too long for an 80-column
     * line, such as a syntax summary, which it could otherwise neither break nor justify.
     */
    private static String breakable(String s) {
        StringBuilder out = new StringBuilder();
        for (String word : s.split(" ", -1)) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(word.length() > 40 ? word.replaceAll("([|/\\]])", "$1\\\\:") : word);
        }
        return out.toString();
    }

    /** A backslash is \e, a hyphen \- (so options copy and paste as ASCII, man-pages(7)). */
    static String escape(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    private static String lineStart(String s) {
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }
}
