package io.lifeline.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one way Lifeline reads a configuration file (ha.cf, haresources, authkeys, /etc/services,
 * a keepalived or haproxy-style file). A configuration file is a regular text file of bounded
 * size, and anything else is a problem to report at {@code file:line}, never an exception:
 * <ul>
 * <li>only a regular file is opened (after following links): a FIFO would block the reader for
 * ever, a link to {@code /dev/zero} would fill the heap, a directory is a mistake;</li>
 * <li>at most {@value #MAX_BYTES} bytes, checked before reading and while reading (a file may
 * grow, and {@code /proc} files say they are empty);</li>
 * <li>lines of at most {@value #MAX_LINE} bytes, without NUL bytes (a text file has none, and
 * a NUL in a path is the JDK's InvalidPathException) and, for UTF-8 files, valid UTF-8. Such a
 * line is reported and handed on empty, so line numbers stay true and the rest of the file is
 * still checked.</li>
 * </ul>
 * The file type is checked before opening; a file swapped for a FIFO between the check and the
 * open is not guarded against (configuration directories belong to root).
 */
public final class ConfigFileReader {

    public static final int MAX_BYTES = 4 * 1024 * 1024;
    public static final int MAX_LINE = 64 * 1024;
    /** Line problems reported per file; a binary file would otherwise produce thousands. */
    static final int MAX_LINE_PROBLEMS = 20;

    /** How a file's bytes become text. */
    public enum Encoding {
        /** Heartbeat's files: ISO-8859-1 never fails, so one stray byte cannot lose a file. */
        LATIN1,
        /** keepalived and haproxy files: UTF-8, invalid sequences are errors. */
        UTF8
    }

    /** A file that is not a configuration file Lifeline can read; the message says why, for the admin. */
    public static final class Unreadable extends IOException {
        Unreadable(String message) {
            super(message);
        }
    }

    private ConfigFileReader() {
    }

    /**
     * The file's lines (without terminators; {@code \r\n} ends a line too), or empty when the file
     * cannot be read at all. Every problem goes to {@code diag} with the file and line.
     */
    public static Optional<List<String>> lines(Path file, Encoding encoding, Diagnostics diag) {
        byte[] bytes;
        try {
            bytes = bytes(file);
        } catch (IOException e) {
            diag.error(file, 0, "cannot read: " + e.getMessage());
            return Optional.empty();
        }
        List<String> lines = new ArrayList<>();
        int problems = 0;
        int start = 0;
        for (int lineNo = 1; start < bytes.length; lineNo++) {
            int end = indexOf(bytes, (byte) '\n', start, bytes.length);
            int next = end < 0 ? bytes.length : end + 1;
            if (end < 0) {
                end = bytes.length;
            }
            if (end > start && bytes[end - 1] == '\r') {
                end--;
            }
            String problem = lineProblem(bytes, start, end, encoding);
            if (problem == null) {
                lines.add(decode(bytes, start, end, encoding));
            } else {
                lines.add("");
                if (++problems <= MAX_LINE_PROBLEMS) {
                    diag.error(file, lineNo, problem);
                }
            }
            start = next;
        }
        if (problems > MAX_LINE_PROBLEMS) {
            diag.error(file, 0, (problems - MAX_LINE_PROBLEMS) + " more lines with problems not listed"
                    + " (is this a text file?)");
        }
        return Optional.of(lines);
    }

    /** The whole file as text, lines joined with {@code \n}; see {@link #lines}. */
    public static Optional<String> text(Path file, Encoding encoding, Diagnostics diag) {
        return lines(file, encoding, diag).map(l -> String.join("\n", l));
    }

    /**
     * The file's bytes, for callers that do not parse it (a checksum, a scan).
     *
     * @throws Unreadable not a regular file, too large, missing or not permitted, said in admin terms
     */
    public static byte[] bytes(Path file) throws Unreadable {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Unreadable("no such file");
        } catch (AccessDeniedException e) {
            throw new Unreadable("permission denied");
        } catch (IOException e) {
            throw new Unreadable(String.valueOf(e.getMessage()));
        }
        if (!attrs.isRegularFile()) {
            throw new Unreadable("not a regular file (" + kind(file, attrs) + ")");
        }
        if (attrs.size() > MAX_BYTES) {
            throw new Unreadable(tooLarge());
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new Unreadable(tooLarge());
            }
            return bytes;
        } catch (Unreadable e) {
            throw e;
        } catch (AccessDeniedException e) {
            throw new Unreadable("permission denied");
        } catch (IOException e) {
            throw new Unreadable(String.valueOf(e.getMessage()));
        }
    }

    private static String tooLarge() {
        return "larger than " + MAX_BYTES / (1024 * 1024) + " MiB; a configuration file is never that big";
    }

    private static String kind(Path file, BasicFileAttributes attrs) {
        if (attrs.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    private static String lineProblem(byte[] b, int from, int to, Encoding encoding) {
        if (to - from > MAX_LINE) {
            return "line longer than " + MAX_LINE + " bytes";
        }
        if (indexOf(b, (byte) 0, from, to) >= 0) {
            return "NUL byte in the line (a text file has none)";
        }
        if (encoding == Encoding.UTF8) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, from, to - from));
            } catch (CharacterCodingException e) {
                return "not valid UTF-8";
            }
        }
        return null;
    }

    private static String decode(byte[] b, int from, int to, Encoding encoding) {
        return new String(b, from, to - from,
                encoding == Encoding.UTF8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] b, byte value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
