package io.lifeline.net;

import java.util.Locale;

/**
 * Which gratuitous ARP packets an announcement sends. Switches and hosts differ: some update
 * their tables only from requests, some only from replies; {@link #BOTH} satisfies either.
 */
public enum ArpMode {
    /** ARP request "who has VIP? tell VIP" (RFC 5227 announcement, {@code arping -U}). */
    REQUEST,
    /** ARP reply "VIP is at MAC" ({@code arping -A}). */
    REPLY,
    /** A request then a reply, each round. */
    BOTH;

    public static ArpMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an ARP mode (request, reply or both)");
        }
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
