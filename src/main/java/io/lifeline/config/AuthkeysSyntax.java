package io.lifeline.config;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The authkeys language: its line forms and its signing methods ({@link AuthMethod}, the set
 * {@link AuthkeysParser} accepts). authkeys(5) is generated from this table.
 */
public final class AuthkeysSyntax {

    private AuthkeysSyntax() {
    }

    /** One line form: how it is written, and what it means. */
    public record Form(String syntax, String meaning) {
    }

    public static final List<Form> FORMS = List.of(
            new Form("auth N", "The key that signs outgoing messages: exactly one such line, naming a key "
                    + "defined in the file. Incoming messages are accepted when signed by any key of the file, "
                    + "so keys can be changed one node at a time."),
            new Form("N METHOD [SECRET]", "Key number N (1 to 15), signed with METHOD. The secret is the rest "
                    + "of the line and may contain spaces; " + AuthkeysParser.MIN_SECRET_LENGTH
                    + " characters or more (`hactl keygen` writes a strong one)."),
            new Form("# comment", "From `#` to the end of the line is a comment; blank lines are ignored."));

    /** What each method is, for the reference; a test checks every method has an entry. */
    public static final Map<AuthMethod, String> METHODS = methods();

    private static Map<AuthMethod, String> methods() {
        Map<AuthMethod, String> m = new EnumMap<>(AuthMethod.class);
        m.put(AuthMethod.CRC, "A checksum that authenticates nothing: refused unless ha.cf says `allow_crc on` "
                + "(then accepted with a loud warning), for physically isolated networks only. Takes no secret.");
        m.put(AuthMethod.MD5, "HMAC-MD5; accepted with a warning (sha256 is stronger).");
        m.put(AuthMethod.SHA1, "HMAC-SHA1, Heartbeat's usual choice.");
        m.put(AuthMethod.SHA256, "HMAC-SHA256, the recommended method (what `hactl keygen` writes).");
        m.put(AuthMethod.SHA512, "HMAC-SHA512.");
        return java.util.Collections.unmodifiableMap(m);
    }
}
