package io.lifeline.config;

import java.util.Arrays;
import java.util.Locale;

/** One {@code N method secret} line of authkeys. The secret never appears in toString. */
// the secret is bytes for the MAC; equals and hashCode below compare by content, toString hides it
@SuppressWarnings("ArrayRecordComponent")
public record AuthKey(int id, AuthMethod method, byte[] secret) {
    public AuthKey {
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthKey k && k.id == id && k.method == method && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return id * 31 + method.hashCode();
    }

    @Override
    public String toString() {
        return "AuthKey[" + id + " " + method.name().toLowerCase(Locale.ROOT) + " <secret hidden>]";
    }
}
