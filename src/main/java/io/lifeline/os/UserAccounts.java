package io.lifeline.os;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Looks up local accounts the way every other program on the host does: through libc's
 * {@code getpwnam_r}, so accounts from NSS sources (LDAP, sssd) count as well as /etc/passwd.
 * Java itself has no such lookup.
 */
public final class UserAccounts {

    /** An account: its name, numeric ids, home directory and login shell. */
    public record Account(String name, int uid, int gid, Path home, String shell) {
    }

    /** sizeof(struct passwd) on LP64 Linux: five pointers and two 32-bit ids. */
    private static final int PASSWD_SIZE = 48;
    private static final int MAX_BUFFER = 1 << 20;

    private UserAccounts() {
    }

    /** The account called {@code name}, or empty when the user database has none. */
    public static Optional<Account> byName(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Memory pwd = new Memory(PASSWD_SIZE);
        for (int size = 4096; size <= MAX_BUFFER; size *= 4) {
            Memory buf = new Memory(size);
            PointerByReference result = new PointerByReference();
            int rc = Libraries.raw().getpwnam_r(name, pwd, buf, size, result);
            if (rc == Errno.ERANGE) {
                continue;
            }
            if (rc != 0 || result.getValue() == null) {
                return Optional.empty();
            }
            // struct passwd { char *pw_name, *pw_passwd; uid_t pw_uid; gid_t pw_gid; char *pw_gecos, *pw_dir, *pw_shell; }
            return Optional.of(new Account(string(pwd, 0), pwd.getInt(16), pwd.getInt(20),
                    Path.of(Optional.ofNullable(string(pwd, 32)).filter(s -> !s.isEmpty()).orElse("/")),
                    Optional.ofNullable(string(pwd, 40)).orElse("")));
        }
        return Optional.empty();
    }

    /** The daemon's effective user id (0 when it runs as root). */
    public static int effectiveUid() {
        return Libraries.raw().geteuid();
    }

    private static String string(Pointer struct, long offset) {
        Pointer p = struct.getPointer(offset);
        return p == null ? null : p.getString(0);
    }
}
