package io.lifeline.daemon;

import io.lifeline.config.ConfigLoader;
import io.lifeline.config.ConfigProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Installs configuration files received by {@code hactl propagate} into ha.d: each file written
 * beside its target, synced and renamed over it (a reader sees the old file or the new one, never
 * half of one), the previous one kept as {@code NAME.bak}. authkeys is written mode 600 (the
 * parser refuses anything else); the others keep their old mode.
 */
final class PropagatedFiles {

    /** Files installed by one {@link #install}, which {@link #restore} can put back. */
    static final class Installed {
        private final Path dir;
        /** name -> whether a previous file existed (and was kept as NAME.bak). */
        private final Map<String, Boolean> names;

        private Installed(Path dir, Map<String, Boolean> names) {
            this.dir = dir;
            this.names = names;
        }

        /** Puts the previous files back (from their backups, again atomically). */
        void restore() throws IOException {
            for (Map.Entry<String, Boolean> e : names.entrySet()) {
                Path target = dir.resolve(e.getKey());
                if (e.getValue()) {
                    write(target, Files.readAllBytes(backup(target)));
                } else {
                    Files.deleteIfExists(target);
                }
            }
        }
    }

    private PropagatedFiles() {
    }

    /**
     * The problems of {@code files} as a configuration of their own (the three parsers and the
     * cross-file checks), checked in a scratch directory inside {@code dir} before anything is
     * installed; problems name the files as they would be installed. The resource words are
     * checked by the reload that follows the install.
     */
    static List<String> check(Path dir, Map<String, byte[]> files) throws IOException {
        Path scratch = Files.createTempDirectory(dir, ".propagate-");
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                write(scratch.resolve(f.getKey()), f.getValue());
            }
            ConfigLoader.Result r = ConfigLoader.check(scratch, true);
            List<String> problems = new ArrayList<>();
            for (ConfigProblem p : r.diagnostics().errors()) {
                problems.add(p.toString().replace(scratch.toString(), dir.toString()));
            }
            return problems;
        } finally {
            try (Stream<Path> s = Files.walk(scratch)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Installs every file of {@code files} in {@code dir}, keeping each previous one as NAME.bak. */
    static Installed install(Path dir, Map<String, byte[]> files) throws IOException {
        Map<String, Boolean> names = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey());
            boolean existed = Files.isRegularFile(target);
            if (existed) {
                Files.copy(target, backup(target), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            names.put(f.getKey(), existed);
        }
        Installed installed = new Installed(dir, names);
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                write(dir.resolve(f.getKey()), f.getValue());
            }
        } catch (IOException | UncheckedIOException e) {
            installed.restore();
            throw e;
        }
        return installed;
    }

    static Path backup(Path target) {
        return target.resolveSibling(target.getFileName() + ".bak");
    }

    /** Writes {@code bytes} to a temporary file beside {@code target}, syncs it and renames it over {@code target}. */
    private static void write(Path target, byte[] bytes) throws IOException {
        Set<PosixFilePermission> mode = target.getFileName().toString().equals("authkeys")
                ? PosixFilePermissions.fromString("rw-------")
                : Files.isRegularFile(target) ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Path tmp = target.resolveSibling("." + target.getFileName() + ".propagate.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.setPosixFilePermissions(tmp, mode);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
