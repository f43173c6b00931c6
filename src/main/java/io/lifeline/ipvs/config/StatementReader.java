package io.lifeline.ipvs.config;

import io.lifeline.config.Diagnostics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a keepalived.conf-style file into a tree of {@link Statement}s, the way keepalived
 * reads it: one keyword per line followed by its values; {@code #} or {@code !} starts a
 * comment; {@code "..."} is one word; <code>{</code> and <code>}</code> are words of their own
 * even when written against another word, and a block's <code>{</code> may stand on the next
 * line. Unbalanced braces are errors at the line where the admin must look.
 */
final class StatementReader {

    private record Token(String text, int line, boolean quoted) {
        boolean is(String s) {
            return !quoted && text.equals(s);
        }
    }

    private final Path file;
    private final Diagnostics diagnostics;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    private StatementReader(Path file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    static List<Statement> read(Path file, String text, Diagnostics diagnostics) {
        StatementReader r = new StatementReader(file, diagnostics);
        r.tokenize(text);
        return r.statements(0);
    }

    private void tokenize(String text) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String s = lines[i];
            int n = s.length();
            int j = 0;
            while (j < n) {
                char c = s.charAt(j);
                if (Character.isWhitespace(c)) {
                    j++;
                } else if (c == '#' || c == '!') {
                    break;
                } else if (c == '{' || c == '}') {
                    tokens.add(new Token(String.valueOf(c), lineNo, false));
                    j++;
                } else if (c == '"') {
                    int end = s.indexOf('"', j + 1);
                    if (end < 0) {
                        diagnostics.error(file, lineNo, "unterminated quoted string");
                        break;
                    }
                    tokens.add(new Token(s.substring(j + 1, end), lineNo, true));
                    j = end + 1;
                } else {
                    int k = j;
                    while (k < n && !Character.isWhitespace(s.charAt(k)) && "{}\"".indexOf(s.charAt(k)) < 0) {
                        k++;
                    }
                    String word = s.substring(j, k);
                    if (word.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                        diagnostics.error(file, lineNo, "control character in '" + printable(word) + "'");
                    }
                    tokens.add(new Token(word, lineNo, false));
                    j = k;
                }
            }
        }
    }

    /** Statements until the closing brace of the block opened at {@code openLine} (0: top level). */
    private List<Statement> statements(int openLine) {
        List<Statement> out = new ArrayList<>();
        while (pos < tokens.size()) {
            Token t = tokens.get(pos++);
            if (t.is("}")) {
                if (openLine == 0) {
                    diagnostics.error(file, t.line(), "'}' without a matching '{'");
                    continue;
                }
                return out;
            }
            if (t.is("{")) {
                diagnostics.error(file, t.line(), "'{' without a keyword before it");
                statements(t.line()); // skip the block
                continue;
            }
            List<String> args = new ArrayList<>();
            while (pos < tokens.size() && tokens.get(pos).line() == t.line()
                    && !tokens.get(pos).is("{") && !tokens.get(pos).is("}")) {
                args.add(tokens.get(pos++).text());
            }
            List<Statement> block = null;
            if (pos < tokens.size() && tokens.get(pos).is("{")) {
                int line = tokens.get(pos++).line();
                block = statements(line);
            }
            out.add(new Statement(t.text(), args, t.line(), block));
        }
        if (openLine > 0) {
            diagnostics.error(file, openLine, "block opened here is not closed with '}'");
        }
        return out;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(ch -> sb.append(ch < 0x20 || ch == 0x7f ? String.format("\\x%02x", ch) : String.valueOf((char) ch)));
        return sb.toString();
    }
}
