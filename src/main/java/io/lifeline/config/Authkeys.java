package io.lifeline.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parsed authkeys: every listed key is accepted on receipt, the key named by {@code auth N}
 * signs outgoing messages. This is what makes key rotation possible without downtime.
 */
public record Authkeys(Path file, int signingKeyId, Map<Integer, AuthKey> keys) {
    public Authkeys {
        keys = Map.copyOf(new TreeMap<>(keys));
        if (!keys.containsKey(signingKeyId)) {
            throw new IllegalArgumentException("signing key " + signingKeyId + " not among the keys");
        }
    }

    public AuthKey signingKey() {
        return keys.get(signingKeyId);
    }
}
