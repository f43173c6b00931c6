package io.lifeline.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users who may act on the cluster from the status page (ha.cf {@code http_auth FILE}).
 * The file is htpasswd-shaped: one {@code user:hash} per line, {@code #} comments, the hash a
 * {@link PasswordHash} as {@code hactl http-passwd USER} prints it. Like authkeys it must be mode
 * 600 and owned by the daemon's user: the hashes are slow to guess, not impossible.
 *
 * @param file  where it was read
 * @param users each user's hash, in file order
 */
public record HttpUsers(Path file, Map<String, PasswordHash> users) {

    public HttpUsers {
        users = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /** The hash of {@code user}, if the file lists that user. */
    public Optional<PasswordHash> hashOf(String user) {
        return Optional.ofNullable(users.get(user));
    }

    /**
     * Reads a users file; every problem goes to {@code diag} as file:line. Empty when there is any
     * error (a half-read users file would lock out whoever's line was bad without saying so).
     *
     * @param checkPermissions false only for tools that inspect a copy
     */
    public static Optional<HttpUsers> read(Path file, boolean checkPermissions, Diagnostics diag) {
        if (checkPermissions && !AuthkeysParser.permissionsOk(file, "password hashes", "hactl http-passwd USER", diag)) {
            return Optional.empty();
        }
        Optional<List<String>> raw = ConfigFileReader.lines(file, ConfigFileReader.Encoding.UTF8, diag);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        int errorsBefore = diag.errors().size();
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (int i = 0; i < raw.get().size(); i++) {
            int n = i + 1;
            String line = raw.get().get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                diag.error(file, n, "expected 'user:hash' (write a line with 'hactl http-passwd USER')");
                continue;
            }
            String user = line.substring(0, colon);
            if (!user.matches("[A-Za-z0-9._-]{1,64}")) {
                diag.error(file, n, "user name '" + user + "': letters, digits, '.', '_' and '-' only (at most 64)");
                continue;
            }
            StringBuilder why = new StringBuilder();
            Optional<PasswordHash> hash = PasswordHash.parse(line.substring(colon + 1).strip(), why);
            if (hash.isEmpty()) {
                diag.error(file, n, "user " + user + ": " + why);
                continue;
            }
            Integer first = lines.putIfAbsent(user, n);
            if (first != null) {
                diag.error(file, n, "user " + user + " is listed again (first at line " + first + ")");
                continue;
            }
            users.put(user, hash.get());
        }
        if (users.isEmpty() && diag.errors().size() == errorsBefore) {
            diag.error(file, 0, "no users: add one with 'hactl http-passwd USER >> " + file + "'");
        }
        return diag.errors().size() > errorsBefore ? Optional.empty() : Optional.of(new HttpUsers(file, users));
    }
}
