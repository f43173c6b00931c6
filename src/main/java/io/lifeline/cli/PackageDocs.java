package io.lifeline.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the files the Debian package ships that are generated from the program: the manual
 * pages ({@link ManPages}) and the bash completion script (picocli's AutoComplete, from the
 * same command model), and the compressed Debian changelog. Run by the build
 * ({@code exec-maven-plugin} in prepare-package): {@code PackageDocs OUTPUT-DIR VERSION [CHANGELOG]}
 * writes OUTPUT-DIR/man/*.{5,8}.gz, OUTPUT-DIR/completion/hactl and, given the changelog,
 * OUTPUT-DIR/doc/changelog.gz.
 */
public final class PackageDocs {

    private PackageDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: PackageDocs OUTPUT-DIR VERSION [CHANGELOG]");
            System.exit(2);
        }
        writeAll(Path.of(args[0]), args[1]);
        if (args.length == 3) {
            Path doc = Files.createDirectories(Path.of(args[0]).resolve("doc"));
            gzip(doc.resolve("changelog.gz"), Files.readString(Path.of(args[2]), StandardCharsets.UTF_8));
        }
    }

    /** Writes every generated file under {@code out}. */
    public static void writeAll(Path out, String version) throws IOException {
        CommandLine hactl = Hactl.newCommandLine();
        ManPages pages = new ManPages(version);
        Path man = Files.createDirectories(out.resolve("man"));
        // compressed, as Debian installs manual pages; man -l reads them as they are
        gzip(man.resolve("hactl.8.gz"), pages.hactl(hactl));
        gzip(man.resolve("ha.cf.5.gz"), pages.haCf());
        gzip(man.resolve("haresources.5.gz"), pages.haresources());
        gzip(man.resolve("authkeys.5.gz"), pages.authkeys());
        Path completion = Files.createDirectories(out.resolve("completion"));
        // bash-completion loads /usr/share/bash-completion/completions/NAME on first use of NAME.
        // zsh users get the same script through bashcompinit (picocli generates it to work there).
        write(completion.resolve("hactl"), withoutInterpreterLine(AutoComplete.bash("hactl", hactl)));
    }

    /**
     * The completion script without picocli's "#!/usr/bin/env bash" line: bash-completion sources
     * the file, it is never run, so the line only misleads (lintian: bash-completion-with-hashbang).
     */
    static String withoutInterpreterLine(String script) {
        return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * gzip as {@code gzip -9n} writes it, which Debian policy asks for manual pages and changelogs:
     * the best compression, flagged as such in the header (lintian reads that flag:
     * poor-compression-in-manual-page), and no name or time stamp, so the same input builds the
     * same package. {@code GZIPOutputStream} cannot set the level or the flag.
     */
    static void gzip(Path file, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try (OutputStream out = Files.newOutputStream(file)) {
            // magic, deflate, no flags, mtime 0, XFL 2 (slowest, best compression), OS 3 (Unix)
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
            deflater.setInput(data);
            deflater.finish();
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            CRC32 crc = new CRC32();
            crc.update(data);
            writeIntLittleEndian(out, (int) crc.getValue());
            writeIntLittleEndian(out, data.length);
        } finally {
            deflater.end();
        }
    }

    private static void writeIntLittleEndian(OutputStream out, int v) throws IOException {
        out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }
}
