package io.lifeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lifeline.manager.GroupScope;
import io.lifeline.manager.notify.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Words on the wire, in configs and in commands are ASCII and must not change with the
 * machine's locale: under tr-TR, "FAILED".toLowerCase() is "faıled" and "FOREIGN" never
 * matches "foreign".
 */
class LocaleIndependenceTest {

    private static final Pattern DEFAULT_LOCALE_CASE = Pattern.compile("\\.to(Lower|Upper)Case\\(\\)");
    /**
     * Formatting whose result depends on the default locale: {@code String.format} and
     * {@code printf} of numbers with the format string first (digits, decimal separators: "%.1f"
     * is "0,5" under de-DE), and date patterns without a locale (month and day names: "Mär", "Dez").
     */
    private static final Pattern DEFAULT_LOCALE_FORMAT = Pattern.compile(
            "\\b(String\\.format|\\.printf)\\(\\s*\"[^\"]*%[-#+ 0,(]*\\d*(\\.\\d+)?[dfeEgGxXoaA]"
                    + "|\\bofPattern\\([^,()]*(\\([^()]*\\))?[^,()]*\\)");

    @Test
    void noCaseConversionInTheMainCodeDependsOnTheDefaultLocale() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (DEFAULT_LOCALE_CASE.matcher(lines.get(i)).find()) {
                        offenders.add(f + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "use toLowerCase(Locale.ROOT) / toUpperCase(Locale.ROOT)");
    }

    @Test
    void noFormattingInTheMainCodeDependsOnTheDefaultLocale() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (DEFAULT_LOCALE_FORMAT.matcher(lines.get(i)).find()) {
                        offenders.add(f + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "pass Locale.ROOT: String.format(Locale.ROOT, ...), ofPattern(p, Locale.ROOT)");
    }

    @Test
    void theFormattingPatternSeesWhatItMustAndNothingElse() {
        for (String bad : List.of("String.format(\"%d\", n)", "out.printf(\"%.1f%n\", x)",
                "DateTimeFormatter.ofPattern(datePattern)", "DateTimeFormatter.ofPattern(\"MMM dd\")",
                "ofPattern(p.trim())")) {
            assertEquals(true, DEFAULT_LOCALE_FORMAT.matcher(bad).find(), bad);
        }
        for (String good : List.of("String.format(Locale.ROOT, \"%d\", n)", "out.printf(Locale.ROOT, \"%d\", n)",
                "DateTimeFormatter.ofPattern(p, Locale.ROOT)", "ofPattern(p.trim(), Locale.ROOT)",
                "static String format(Duration d)", "out.printf(\"%s: %s%n\", a, b)")) {
            assertEquals(false, DEFAULT_LOCALE_FORMAT.matcher(good).find(), good);
        }
    }

    @Test
    void commandsAndHookWordsAreTheSameUnderATurkishLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals(GroupScope.FOREIGN, GroupScope.parse("FOREIGN"));
            assertEquals("failed", Transition.FAILED.word());
        } finally {
            Locale.setDefault(saved);
        }
    }
}
