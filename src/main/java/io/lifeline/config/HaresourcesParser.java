package io.lifeline.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads haresources the way Heartbeat's ResourceManager does: one group per logical line
 * ({@code \} continues a line, {@code #} comments), the preferred node first (compared
 * case-insensitively, as Heartbeat lowercases it), then resource words split on {@code ::}.
 * A word that looks like an IPv4 address, optionally followed by {@code /...}, means
 * {@code IPaddr::WORD}. The first resource word is the group's key and must be unique.
 */
public final class HaresourcesParser {

    private HaresourcesParser() {
    }

    public static Optional<Haresources> parse(Path file, Diagnostics diag) {
        int errorsBefore = diag.errors().size();
        Optional<Haresources> valid = parseValidGroups(file, diag);
        if (diag.errors().size() > errorsBefore) {
            return Optional.empty();
        }
        return valid;
    }

    /**
     * Like {@link #parse}, but keeps the groups whose lines are valid when others are not: each
     * bad line is an error in {@code diag} and its group is left out (a second definition of a
     * group name is left out too; the first one stays). Empty only when the file cannot be read.
     * The daemon starts with these at boot, so one bad line does not cost every group of the node.
     */
    public static Optional<Haresources> parseValidGroups(Path file, Diagnostics diag) {
        Optional<List<String>> read = ConfigLines.readRaw(file, diag);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        List<String> raw = read.get();
        List<ResourceGroup> groups = new ArrayList<>();
        Map<String, Integer> wordLines = new HashMap<>();
        for (ConfigLines.Line line : ConfigLines.parse(raw, true)) {
            int n = line.number();
            String node = line.keyword().toLowerCase(Locale.ROOT);
            if (line.args().isEmpty()) {
                diag.error(file, n, "node '" + line.keyword() + "' has no resources: a line is"
                        + " 'NODE RESOURCE [RESOURCE...]'");
                continue;
            }
            List<ResourceSpec> specs = new ArrayList<>();
            boolean ok = true;
            for (String word : line.args()) {
                Optional<ResourceSpec> spec = resource(word, n, file, diag);
                ok &= spec.isPresent();
                spec.ifPresent(specs::add);
            }
            if (!ok) {
                continue;
            }
            ResourceGroup group = new ResourceGroup(node, specs, n);
            boolean duplicateName = false;
            for (int i = 0; i < specs.size(); i++) {
                String word = specs.get(i).word();
                Integer first = wordLines.putIfAbsent(word, n);
                if (first != null) {
                    if (i == 0) {
                        duplicateName = true;
                        diag.error(file, n, "group '" + word + "' is already defined at line " + first
                                + ": the first resource of a line names its group and must be unique");
                    } else {
                        diag.warning(file, n, "resource '" + word + "' also appears at line " + first
                                + ": it may be started by two groups on different nodes");
                    }
                }
            }
            if (!duplicateName) {
                groups.add(group);
            }
        }
        return Optional.of(new Haresources(file, groups));
    }

    /** Parses one resource word; public so tests and tools can check single words. */
    public static Optional<ResourceSpec> resource(String word, int line, Path file, Diagnostics diag) {
        String expanded = HaresourcesSyntax.BARE_IP.matcher(word).matches() ? "IPaddr::" + word : word;
        List<String> parts = Arrays.asList(expanded.split("::", -1));
        String name = parts.get(0);
        if (name.isEmpty()) {
            diag.error(file, line, "resource '" + word + "' has no name before '::'");
            return Optional.empty();
        }
        List<String> args = parts.subList(1, parts.size());
        // IPv6 text contains "::" itself (2001:db8::10), so the address agents get the split
        // pieces, empty ones included, and join them back; for everything else an empty piece
        // is a typo.
        boolean addressAgent = HaresourcesSyntax.ADDRESS_AGENTS.contains(name);
        for (String a : args) {
            if (a.isEmpty() && !addressAgent) {
                diag.error(file, line, "resource '" + word + "' has an empty argument (two '::' in a row,"
                        + " or '::' at the end)");
                return Optional.empty();
            }
        }
        return Optional.of(new ResourceSpec(name, args, word, line));
    }
}
