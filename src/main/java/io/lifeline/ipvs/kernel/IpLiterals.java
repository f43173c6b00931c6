package io.lifeline.ipvs.kernel;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals only: configuration and kernel tables never name hosts. */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** The address, or null when the text is not an IPv4 or IPv6 literal (no DNS lookup). */
    public static InetAddress parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            // a literal never causes a lookup
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** RFC 5952 form of a full IPv6 text as Java prints it: the longest run of zero groups as {@code ::}. */
    static String compressV6(String full) {
        String[] groups = full.split(":", -1);
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (Integer.parseInt(groups[i], 16) == 0) {
                int j = i;
                while (j < 8 && Integer.parseInt(groups[j], 16) == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
