package io.lifeline.ipvs.config;

import io.lifeline.config.Diagnostics;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Splits a keepalived.conf-style file into a tree of {@link Statement}s, the way keepalived
 * reads it: one keyword per line followed by its values; {@code #} or {@code !} starts a
 * comment; {@code "..."} is one word; <code>{</code> and <code>}</code> are words of their own
 * even when written against another word, and a block's <code>{</code> may stand on the next
 * line. Unbalanced braces are errors at the line where the admin must look.
 */
final class StatementReader {

    static final int MAX_DEPTH = 32;

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
        return r.statements();
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

    /** A block being read: the statement it belongs to (null for the top level or a stray block) and its content. */
    private static final class Open {
        final Token keyword;
        final List<String> args;
        final int openLine;
        final List<Statement> content = new ArrayList<>();

        Open(Token keyword, List<String> args, int openLine) {
            this.keyword = keyword;
            this.args = args;
            this.openLine = openLine;
        }
    }

    /**
     * The statement tree, built with an explicit stack of open blocks rather than recursion, so
     * a hostile nesting depth cannot overflow the thread's stack. Blocks nested deeper than
     * {@value #MAX_DEPTH} (keepalived's own syntax needs four) are one error and skipped whole.
     */
    private List<Statement> statements() {
        Deque<Open> open = new ArrayDeque<>();
        Open top = new Open(null, List.of(), 0);
        open.push(top);
        int skippedDepth = 0;
        int skippedFrom = 0;
        while (pos < tokens.size()) {
            Token t = tokens.get(pos++);
            if (skippedDepth > 0) {
                skippedDepth += t.is("{") ? 1 : t.is("}") ? -1 : 0;
                continue;
            }
            if (t.is("}")) {
                if (open.size() == 1) {
                    diagnostics.error(file, t.line(), "'}' without a matching '{'");
                } else {
                    close(open);
                }
                continue;
            }
            List<String> args = new ArrayList<>();
            if (t.is("{")) {
                diagnostics.error(file, t.line(), "'{' without a keyword before it");
                pos--; // opened below, as a block that belongs to nothing
            } else {
                while (pos < tokens.size() && tokens.get(pos).line() == t.line()
                        && !tokens.get(pos).is("{") && !tokens.get(pos).is("}")) {
                    args.add(tokens.get(pos++).text());
                }
            }
            Token keyword = t.is("{") ? null : t;
            if (pos < tokens.size() && tokens.get(pos).is("{")) {
                int line = tokens.get(pos++).line();
                if (open.size() > MAX_DEPTH) {
                    diagnostics.error(file, line, "blocks nested deeper than " + MAX_DEPTH
                            + " levels; this block is skipped");
                    skippedDepth = 1;
                    skippedFrom = line;
                    continue;
                }
                open.push(new Open(keyword, args, line));
            } else {
                open.peek().content.add(new Statement(keyword.text(), args, keyword.line(), null));
            }
        }
        if (skippedDepth > 0) {
            diagnostics.error(file, skippedFrom, "block opened here is not closed with '}'");
        }
        while (open.size() > 1) {
            diagnostics.error(file, open.peek().openLine, "block opened here is not closed with '}'");
            close(open);
        }
        return top.content;
    }

    /** Ends the innermost open block: its statement joins the enclosing block (a stray block is dropped). */
    private static void close(Deque<Open> open) {
        Open done = open.pop();
        if (done.keyword != null) {
            open.peek().content.add(new Statement(done.keyword.text(), done.args, done.keyword.line(), done.content));
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(ch -> sb.append(ch < 0x20 || ch == 0x7f ? String.format(java.util.Locale.ROOT, "\\x%02x", ch) : String.valueOf((char) ch)));
        return sb.toString();
    }
}
