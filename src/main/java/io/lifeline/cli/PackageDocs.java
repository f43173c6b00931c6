package io.lifeline.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the files the Debian package ships that are generated from the program: the manual
 * pages ({@link ManPages}) and the bash completion script (picocli's AutoComplete, from the
 * same command model). Run by the build ({@code exec-maven-plugin} in prepare-package):
 * {@code PackageDocs OUTPUT-DIR VERSION} writes OUTPUT-DIR/man/*.{5,8}.gz and
 * OUTPUT-DIR/completion/hactl.
 */
public final class PackageDocs {

    private PackageDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PackageDocs OUTPUT-DIR VERSION");
            System.exit(2);
        }
        writeAll(Path.of(args[0]), args[1]);
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
        write(completion.resolve("hactl"), AutoComplete.bash("hactl", hactl));
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** gzip without a time stamp in its header, so that the same input builds the same package. */
    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
