package io.lifeline.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads authkeys: exactly one {@code auth N} naming the key that signs, and {@code N method
 * secret} lines (ids 1-15). Like Heartbeat, the file must not be readable by group or others;
 * Lifeline also requires it to be owned by the user running the daemon, since anyone who can
 * write it can join the cluster.
 */
public final class AuthkeysParser {

    /** Shortest secret that does not draw a warning: short secrets can be brute-forced offline. */
    static final int MIN_SECRET_LENGTH = 16;

    private AuthkeysParser() {
    }

    /**
     * @param allowCrc whether ha.cf said {@code allow_crc on}; without it {@code crc} is refused
     * @param checkPermissions false only for tools that inspect a copy (never for the daemon)
     */
    public static Optional<Authkeys> parse(Path file, boolean allowCrc, boolean checkPermissions, Diagnostics diag) {
        if (checkPermissions && !permissionsOk(file, "the cluster's secrets", "hactl keygen", diag)) {
            return Optional.empty();
        }
        Optional<List<String>> read = ConfigLines.readRaw(file, diag);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        List<String> raw = read.get();
        int errorsBefore = diag.errors().size();
        Integer authId = null;
        int authLine = 0;
        Map<Integer, AuthKey> keys = new HashMap<>();
        Map<Integer, Integer> keyLines = new HashMap<>();
        for (ConfigLines.Line line : ConfigLines.parse(raw, false)) {
            int n = line.number();
            List<String> w = line.words();
            if (w.get(0).equalsIgnoreCase("auth")) {
                if (authId != null) {
                    diag.error(file, n, "second 'auth' line (first at line " + authLine + "): exactly one is allowed");
                    continue;
                }
                if (w.size() != 2) {
                    diag.error(file, n, "usage is 'auth KEY-ID'");
                    continue;
                }
                Optional<Integer> id = keyId(w.get(1));
                if (id.isEmpty()) {
                    diag.error(file, n, "auth: key id must be a number from 1 to 15, not '" + w.get(1) + "'");
                    continue;
                }
                authId = id.get();
                authLine = n;
                continue;
            }
            Optional<Integer> id = keyId(w.get(0));
            if (id.isEmpty()) {
                diag.error(file, n, "expected 'auth N' or 'N METHOD SECRET' with N from 1 to 15");
                continue;
            }
            if (w.size() < 2) {
                diag.error(file, n, "key " + id.get() + " has no method (crc, md5, sha1, sha256 or sha512)");
                continue;
            }
            AuthMethod method;
            try {
                method = AuthMethod.valueOf(w.get(1).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                diag.error(file, n, "unknown method '" + w.get(1) + "' (crc, md5, sha1, sha256 or sha512)");
                continue;
            }
            // the secret is the rest of the line, so it may contain spaces
            String secret = line.text().replaceFirst("^\\S+\\s+\\S+\\s*", "");
            if (method == AuthMethod.CRC) {
                if (!secret.isEmpty()) {
                    diag.warning(file, n, "crc takes no secret; the text after it is ignored");
                }
                if (!allowCrc) {
                    diag.error(file, n, "key " + id.get() + " uses crc, which authenticates nothing: anyone on"
                            + " the network could join or fake heartbeats. Use sha256, or set 'allow_crc on'"
                            + " in ha.cf if the network is physically isolated");
                    continue;
                }
                diag.warning(file, n, "key " + id.get() + " uses crc: heartbeats are NOT authenticated"
                        + " (allowed by allow_crc)");
                secret = "";
            } else if (secret.isEmpty()) {
                diag.error(file, n, "key " + id.get() + " (" + w.get(1) + ") has no secret");
                continue;
            } else if (secret.length() < MIN_SECRET_LENGTH) {
                diag.warning(file, n, "key " + id.get() + " has a short secret (" + secret.length()
                        + " characters); use 'hactl keygen' for a strong one");
            }
            if (method == AuthMethod.MD5) {
                diag.warning(file, n, "key " + id.get() + " uses md5; sha256 is stronger");
            }
            if (keys.containsKey(id.get())) {
                diag.error(file, n, "key " + id.get() + " is already defined at line " + keyLines.get(id.get()));
                continue;
            }
            keys.put(id.get(), new AuthKey(id.get(), method, secret.getBytes(StandardCharsets.UTF_8)));
            keyLines.put(id.get(), n);
        }
        if (authId == null) {
            diag.error(file, 0, "no 'auth N' line: say which key signs outgoing messages");
        } else if (!keys.containsKey(authId) && diag.errors().size() == errorsBefore) {
            diag.error(file, authLine, "auth " + authId + " names a key that is not defined in this file");
        }
        if (diag.errors().size() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new Authkeys(file, authId, keys));
    }

    private static Optional<Integer> keyId(String s) {
        if (!s.matches("\\d{1,2}")) {
            return Optional.empty();
        }
        int v = Integer.parseInt(s);
        return v >= 1 && v <= 15 ? Optional.of(v) : Optional.empty();
    }

    /**
     * Whether a secrets file is mode 600 (or stricter) and owned by the daemon's user; an error
     * naming the fix when not.
     *
     * @param holds   what the file holds, for the error ("the cluster's secrets")
     * @param creator the command that writes one, for a missing file
     */
    static boolean permissionsOk(Path file, String holds, String creator, Diagnostics diag) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            boolean loose = perms.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
            if (loose) {
                diag.error(file, 0, "bad permissions " + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                        + ": the file holds " + holds + " and must be mode 600 (chmod 600 " + file + ")");
                return false;
            }
            String owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
            String me = System.getProperty("user.name");
            if (!owner.equals(me)) {
                diag.error(file, 0, "owned by '" + owner + "' but the daemon runs as '" + me
                        + "': the file must belong to the user that runs Lifeline (chown " + me + " " + file + ")");
                return false;
            }
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            diag.error(file, 0, "no such file: create one with '" + creator + "'");
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            diag.error(file, 0, "cannot check permissions: " + e.getMessage());
            return false;
        }
    }
}
