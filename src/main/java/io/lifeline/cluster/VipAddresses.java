package io.lifeline.cluster;

import io.lifeline.config.Haresources;
import io.lifeline.config.ResourceGroup;
import io.lifeline.config.ResourceSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The virtual IP addresses haresources may put on this node ({@code IPaddr::A/...},
 * {@code IPaddr2::A/...}, {@code ip=A} arguments and bare addresses). Heartbeat links must never
 * bind to one of them: a VIP moves between nodes, the node's own address does not.
 */
public final class VipAddresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private VipAddresses() {
    }

    public static Set<InetAddress> of(Haresources haresources) {
        Set<InetAddress> vips = new LinkedHashSet<>();
        if (haresources == null) {
            return vips;
        }
        for (ResourceGroup g : haresources.groups()) {
            for (ResourceSpec r : g.resources()) {
                String name = r.name();
                if (!name.equalsIgnoreCase("IPaddr") && !name.equalsIgnoreCase("IPaddr2")) {
                    continue;
                }
                for (String arg : r.args()) {
                    String a = arg.startsWith("ip=") ? arg.substring(3) : arg;
                    int slash = a.indexOf('/');
                    parse(slash >= 0 ? a.substring(0, slash) : a).ifPresent(vips::add);
                }
            }
        }
        return vips;
    }

    private static java.util.Optional<InetAddress> parse(String literal) {
        if (!IPV4.matcher(literal).matches()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(InetAddress.getByName(literal)); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }
}
