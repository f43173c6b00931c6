package io.lifeline.ipvs.kernel;

import java.util.List;
import java.util.Objects;

/**
 * A virtual service's own settings.
 *
 * @param scheduler          the IPVS scheduler: rr, wrr, lc, wlc, sh, ...
 * @param persistenceTimeout seconds of client persistence, 0 for none
 * @param persistenceMask    the persistence granularity netmask, empty for the default (one client)
 * @param unmodelled         options read from the kernel that Lifeline does not manage
 *                           (scheduler flags, one-packet scheduling...); never set on desired state
 */
public record ServiceSettings(String scheduler, int persistenceTimeout, String persistenceMask,
                              List<String> unmodelled) {

    public ServiceSettings {
        Objects.requireNonNull(scheduler);
        Objects.requireNonNull(persistenceMask);
        unmodelled = List.copyOf(unmodelled);
        if (persistenceTimeout < 0) {
            throw new IllegalArgumentException("negative persistence timeout");
        }
    }

    public ServiceSettings(String scheduler, int persistenceTimeout, String persistenceMask) {
        this(scheduler, persistenceTimeout, persistenceMask, List.of());
    }

    /** The options ipvsadm -A / -E needs to set exactly these settings. */
    public List<String> options() {
        List<String> o = new java.util.ArrayList<>(List.of("-s", scheduler));
        if (persistenceTimeout > 0) {
            o.add("-p");
            o.add(Integer.toString(persistenceTimeout));
            if (!persistenceMask.isEmpty()) {
                o.add("-M");
                o.add(persistenceMask);
            }
        }
        return o;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheduler);
        if (persistenceTimeout > 0) {
            sb.append(" persistent ").append(persistenceTimeout);
            if (!persistenceMask.isEmpty()) {
                sb.append(" mask ").append(persistenceMask);
            }
        }
        unmodelled.forEach(u -> sb.append(' ').append(u));
        return sb.toString();
    }
}
