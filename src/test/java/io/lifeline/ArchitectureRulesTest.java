package io.lifeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/ARCHITECTURE.md's package table true: every "must not" that the code's references
 * can show is a rule here, checked over the main sources. A package's rule covers its
 * subpackages. References are read from the code with comments and string literals removed:
 * imports, fully qualified names, and the few {@code java.lang} types that need no import
 * ({@code ProcessBuilder}, {@code Thread}, {@code Runtime.exec}).
 *
 * <p>What imports cannot show is said in {@link #RULES}' reasons and left to review: that the
 * daemon holds no decisions and cli no logic beyond arguments and printing is checked only as
 * far as "they do not reach into the deciding classes".
 */
class ArchitectureRulesTest {

    private static final Path SOURCES = Path.of("src/main/java");

    /** The classes that decide (the manager's state machine and its placement function). */
    private static final Set<String> DECIDERS = Set.of("io.lifeline.manager.ResourceManager",
            "io.lifeline.manager.Placement");

    /** JDK types and calls that start processes or threads, or touch the network. */
    private static final Set<String> STARTS_OR_CONNECTS = Set.of("ProcessBuilder", "Runtime.exec", "Thread",
            "java.util.concurrent.Executors", "java.net.Socket", "java.net.ServerSocket", "java.net.DatagramSocket",
            "java.net.MulticastSocket", "java.net.http", "java.nio.channels");

    /**
     * One row of the package table: {@code pkg} (with its subpackages) must not reference any of
     * {@code forbidden} (a package with its subpackages, a class, or a JDK name from
     * {@link #STARTS_OR_CONNECTS}), except what {@code allowed} names inside a forbidden package.
     */
    record Rule(String pkg, String mustNot, Set<String> forbidden, Set<String> allowed, Set<String> exempt) {
        Rule(String pkg, String mustNot, Set<String> forbidden, Set<String> allowed) {
            this(pkg, mustNot, forbidden, allowed, Set.of());
        }
    }

    private static final Set<String> ALL_LIFELINE = Set.of("io.lifeline.config", "io.lifeline.cluster",
            "io.lifeline.manager", "io.lifeline.agent", "io.lifeline.net", "io.lifeline.proxy", "io.lifeline.ipvs",
            "io.lifeline.control", "io.lifeline.metrics", "io.lifeline.daemon", "io.lifeline.cli");

    static final List<Rule> RULES = List.of(
            new Rule("io.lifeline.config", "touch the network or start anything (and stays below everything)",
                    union(minus(ALL_LIFELINE, "io.lifeline.config"), STARTS_OR_CONNECTS,
                            Set.of("com.sun.jna", "io.lifeline.thread")),
                    Set.of()),
            new Rule("io.lifeline.cluster", "decide where resources run (nor run processes)",
                    Set.of("io.lifeline.manager", "io.lifeline.agent", "io.lifeline.daemon", "io.lifeline.control",
                            "io.lifeline.metrics", "io.lifeline.cli", "io.lifeline.proxy", "io.lifeline.ipvs",
                            "io.lifeline.process"),
                    Set.of()),
            new Rule("io.lifeline.manager", "know how a resource works inside (and does no I/O: pure)",
                    union(minus(ALL_LIFELINE, "io.lifeline.manager", "io.lifeline.config"), STARTS_OR_CONNECTS,
                            Set.of("com.sun.jna", "io.lifeline.os", "io.lifeline.process", "io.lifeline.thread"),
                            // no file system either: whether a hook script exists is the config side's check
                            Set.of("java.nio.file.Files", "java.io.File")),
                    // the agent contract's result types are the manager's vocabulary
                    Set.of("io.lifeline.agent.AgentResult", "io.lifeline.agent.OcfStatus")),
            new Rule("io.lifeline.agent", "decide placement",
                    Set.of("io.lifeline.manager", "io.lifeline.cluster", "io.lifeline.daemon", "io.lifeline.control",
                            "io.lifeline.metrics", "io.lifeline.cli"),
                    Set.of()),
            new Rule("io.lifeline.os", "depend on any other Lifeline package", union(ALL_LIFELINE,
                    Set.of("io.lifeline.process", "io.lifeline.thread")), Set.of()),
            new Rule("io.lifeline.thread", "depend on any other Lifeline package", union(ALL_LIFELINE,
                    Set.of("io.lifeline.os", "io.lifeline.process")), Set.of()),
            new Rule("io.lifeline.process", "depend on any other Lifeline package than os and thread", ALL_LIFELINE,
                    Set.of()),
            new Rule("io.lifeline.net", "anything above the kernel boundary",
                    union(minus(ALL_LIFELINE, "io.lifeline.net"), Set.of("io.lifeline.process")), Set.of()),
            new Rule("io.lifeline.proxy", "depend on the cluster (usable alone: no agent contract, no picocli)",
                    union(minus(ALL_LIFELINE, "io.lifeline.proxy", "io.lifeline.config"), Set.of("picocli")),
                    Set.of()),
            new Rule("io.lifeline.ipvs", "depend on the cluster or decide placement (no agent contract)",
                    minus(ALL_LIFELINE, "io.lifeline.ipvs", "io.lifeline.config"), Set.of()),
            new Rule("io.lifeline.control", "decide anything", union(DECIDERS,
                    Set.of("io.lifeline.daemon", "io.lifeline.cli")), Set.of()),
            new Rule("io.lifeline.metrics", "decide anything, or keep state beyond the action histogram,"
                    + " the open logins and the login throttle",
                    union(DECIDERS, Set.of("io.lifeline.daemon", "io.lifeline.cli", "io.lifeline.control")), Set.of()),
            new Rule("io.lifeline.daemon", "hold decisions (it runs the manager; placement is the manager's),"
                    + " or depend on cli (cli runs the daemon, not the other way round; the version is io.lifeline.Version)",
                    Set.of("io.lifeline.manager.Placement", "io.lifeline.cli"), Set.of()),
            new Rule("io.lifeline.cli", "hold logic beyond arguments and printing (never reaches the deciders)",
                    DECIDERS, Set.of()),
            // ARCHITECTURE.md, "The OS layer": only os (libc) and net (kernel sockets) bind native code
            new Rule("io.lifeline", "bind native code: JNA belongs to the kernel boundary",
                    Set.of("com.sun.jna"), Set.of(), Set.of("io.lifeline.net", "io.lifeline.os")));

    /**
     * Violations that exist today, each as "file -> referenced name". The list may only shrink:
     * a violation not listed fails the test, and so does a listed one that is gone.
     */
    private static final Set<String> KNOWN_VIOLATIONS = Set.of();

    @Test
    void everyPackageKeepsToItsMustNots() throws IOException {
        Set<String> found = new TreeSet<>();
        for (Path file : mainSources()) {
            String code = stripCommentsAndStrings(Files.readString(file));
            String pkg = packageOf(code);
            Set<String> refs = references(code);
            for (Rule rule : RULES) {
                if (!within(pkg, rule.pkg()) || rule.exempt().stream().anyMatch(e -> within(pkg, e))) {
                    continue;
                }
                for (String ref : refs) {
                    if (within(ref, pkg) || rule.allowed().contains(ref)) {
                        continue;
                    }
                    if (rule.forbidden().stream().anyMatch(f -> within(ref, f))) {
                        found.add(SOURCES.relativize(file) + " -> " + ref);
                    }
                }
            }
        }
        Set<String> fresh = new TreeSet<>(found);
        fresh.removeAll(KNOWN_VIOLATIONS);
        Set<String> gone = new TreeSet<>(KNOWN_VIOLATIONS);
        gone.removeAll(found);
        assertEquals(Set.of(), fresh, "new references against docs/ARCHITECTURE.md's package table:\n"
                + String.join("\n", fresh) + "\n(" + RULES.size() + " rules; see " + Rule.class.getName() + ")");
        assertEquals(Set.of(), gone, "known violations that are fixed now: remove them from KNOWN_VIOLATIONS");
    }

    /** The ways to make a platform thread without {@link #THREAD_FACTORY}: its names, daemon flag and logging. */
    private static final Pattern THREAD_MADE_ELSEWHERE = Pattern.compile("\\bnew\\s+Thread\\s*\\("
            + "|\\bextends\\s+Thread\\b|\\bThread\\s*\\.\\s*(?:ofPlatform|ofVirtual|startVirtualThread)\\b"
            + "|\\bdefaultThreadFactory\\b");
    private static final Path THREAD_FACTORY = SOURCES.resolve("io/lifeline/thread/NamedThreads.java");

    @Test
    void threadsAreMadeOnlyByTheThreadFactory() throws IOException {
        Set<String> found = new TreeSet<>();
        for (Path file : mainSources()) {
            if (file.equals(THREAD_FACTORY)) {
                continue;
            }
            String[] lines = stripCommentsAndStrings(Files.readString(file)).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = THREAD_MADE_ELSEWHERE.matcher(lines[i]);
                if (m.find()) {
                    found.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + m.group().strip());
                }
            }
        }
        assertEquals(Set.of(), found, "threads are made by io.lifeline.thread.NamedThreads (names ll-ROLE-N, daemon"
                + " flag, uncaught exceptions logged), not here:\n" + String.join("\n", found));
    }

    @Test
    void theThreadRuleSeesEveryWayToMakeAThread() {
        for (String code : List.of("Thread t = new Thread(r, n);", "x = new  Thread (r);", "class T extends Thread {",
                "Thread.ofPlatform().start(r);", "Thread.startVirtualThread(r);", "Executors.defaultThreadFactory()")) {
            assertTrue(THREAD_MADE_ELSEWHERE.matcher(code).find(), code);
        }
        for (String code : List.of("Thread.sleep(1);", "new ThreadPoolExecutor(1, 1, 0, s, q, f)", "Thread t = x;",
                "new ThreadLocal<>()")) {
            assertTrue(!THREAD_MADE_ELSEWHERE.matcher(code).find(), code);
        }
        assertTrue(!THREAD_MADE_ELSEWHERE.matcher(stripCommentsAndStrings("// new Thread(r)\nString s = \"new Thread(\";"))
                .find());
    }

    @Test
    void everyRowOfThePackageTableHasARule() throws IOException {
        String doc = Files.readString(Path.of("docs/ARCHITECTURE.md"));
        int start = doc.indexOf("| package | owns | must not |");
        int end = doc.indexOf("\n\n", start);
        assertTrue(start >= 0 && end > start, "ARCHITECTURE.md has the package table");
        doc = doc.substring(start, end);
        Matcher row = Pattern.compile("(?m)^\\| `([a-z.]+)` \\|").matcher(doc);
        Set<String> documented = new TreeSet<>();
        while (row.find()) {
            documented.add("io.lifeline." + row.group(1));
        }
        Set<String> ruled = RULES.stream().map(Rule::pkg).filter(p -> !p.equals("io.lifeline"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, ruled, "the package table and the rules name the same packages");
    }

    @Test
    void theScannerSeesReferencesAndIgnoresComments() {
        String code = stripCommentsAndStrings("""
                package io.lifeline.x;
                import io.lifeline.manager.ResourceManager;
                import static io.lifeline.agent.OcfStatus.SUCCESS;
                // io.lifeline.cluster.Cluster in a comment
                /* io.lifeline.daemon.NodeDaemon and new Thread( in a block comment */
                class A { String s = "io.lifeline.os.LibC new ProcessBuilder"; char c = '"';
                  Object o = new io.lifeline.proxy.ProxyServer(); Thread t; Runtime.getRuntime().exec(s); }
                """);
        assertEquals("io.lifeline.x", packageOf(code));
        assertEquals(Set.of("io.lifeline.manager.ResourceManager", "io.lifeline.agent.OcfStatus",
                "io.lifeline.proxy.ProxyServer", "Thread", "Runtime.exec"), references(code));
        assertTrue(within("io.lifeline.agent.script", "io.lifeline.agent"));
        assertTrue(!within("io.lifeline.agentx", "io.lifeline.agent"));
    }

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }

    /** {@code name} is {@code scope} or inside it (a subpackage or a class of it). */
    static boolean within(String name, String scope) {
        return name.equals(scope) || name.startsWith(scope + ".");
    }

    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    /** A qualified name: lowercase package segments, then the first uppercase segment (the class). */
    private static final Pattern QUALIFIED = Pattern.compile(
            "\\b((?:io\\.lifeline|javax|java|com\\.sun\\.jna|picocli)\\b(?:\\.[a-z_][a-z0-9_]*)*)(?:\\.([A-Z]\\w*))?");
    private static final Pattern LANG_TYPES = Pattern.compile("\\b(ProcessBuilder|Thread)\\b(?!\\.(?:sleep|currentThread|onSpinWait|interrupted)\\b)");
    private static final Pattern RUNTIME_EXEC = Pattern.compile("\\bgetRuntime\\(\\)\\s*\\.\\s*exec\\b");

    static String packageOf(String code) {
        Matcher m = PACKAGE.matcher(code);
        return m.find() ? m.group(1) : "";
    }

    /** Referenced classes (a package where no class is named: wildcard imports), and java.lang starters. */
    static Set<String> references(String code) {
        Set<String> refs = new TreeSet<>();
        String body = PACKAGE.matcher(code).replaceFirst("");
        Matcher m = QUALIFIED.matcher(body);
        while (m.find()) {
            refs.add(m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
        }
        Matcher lang = LANG_TYPES.matcher(body);
        while (lang.find()) {
            refs.add(lang.group(1));
        }
        if (RUNTIME_EXEC.matcher(body).find()) {
            refs.add("Runtime.exec");
        }
        return refs;
    }

    /** Java source with comments, string, text-block and char literals blanked (line breaks kept). */
    static String stripCommentsAndStrings(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                keepLineBreaks(src, i, end, out);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                keepLineBreaks(src, i, end, out);
                out.append("\"\"");
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(c).append(c);
                i = Math.min(n, j + 1);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void keepLineBreaks(String src, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            if (src.charAt(k) == '\n') {
                out.append('\n');
            }
        }
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return all;
    }

    private static Set<String> minus(Set<String> set, String... removed) {
        Set<String> rest = new TreeSet<>(set);
        rest.removeAll(List.of(removed));
        return rest;
    }
}
