package io.lifeline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hactl keygen}: writes a fresh authkeys with one random sha256 key. The file is
 * created with mode 0600 from the start (never briefly world-readable) and moved into place
 * atomically, so a crash cannot leave a half-written key file.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Write a new authkeys file with a random sha256 key (mode 0600).",
                "Copy the same file to every node."})
public final class KeygenCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "/etc/ha.d/authkeys",
            description = "Where to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Replace an existing file.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (Files.exists(output) && !force) {
            err.println("hactl keygen: " + output + " already exists; use --force to replace it"
                    + " (every node must then get the new file)");
            return 1;
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String content = "# Lifeline authkeys, written by 'hactl keygen'. Identical on every node; mode 600.\n"
                + "# To rotate without downtime: add the new key under a new id on all nodes,\n"
                + "# then switch 'auth' to it on all nodes, then remove the old key.\n"
                + "auth 1\n1 sha256 " + HexFormat.of().formatHex(secret) + "\n";
        Path dir = output.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            err.println("hactl keygen: directory " + dir + " does not exist");
            return 1;
        }
        Path tmp = Files.createTempFile(dir, ".authkeys", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileAlreadyExistsException e) {
            err.println("hactl keygen: " + output + " already exists");
            return 1;
        } finally {
            Files.deleteIfExists(tmp);
        }
        spec.commandLine().getOut().println("wrote " + output + " (sha256 key 1, mode 600)");
        return 0;
    }
}
