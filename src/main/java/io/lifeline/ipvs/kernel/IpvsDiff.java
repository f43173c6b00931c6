package io.lifeline.ipvs.kernel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The smallest list of ipvsadm commands that turns the kernel's table into the desired one,
 * touching only the services the agent owns. Services nobody asked Lifeline to manage are
 * never changed, even when they share addresses with owned ones.
 *
 * <p>Order matters for traffic: additions come before removals, so swapping the sorry server
 * for a recovered real server (or the other way round) never leaves a service with no
 * destination, and edits come between.
 */
public final class IpvsDiff {

    private IpvsDiff() {
    }

    /**
     * @param desired the services the agent wants, with their destinations
     * @param actual  the kernel's table
     * @param owned   the services the agent manages; an owned service missing from
     *                {@code desired} is deleted when present
     */
    public static List<IpvsCommand> between(IpvsTable desired, IpvsTable actual, Collection<ServiceKey> owned) {
        List<IpvsCommand> addServices = new ArrayList<>();
        List<IpvsCommand> editServices = new ArrayList<>();
        List<IpvsCommand> addDestinations = new ArrayList<>();
        List<IpvsCommand> editDestinations = new ArrayList<>();
        List<IpvsCommand> deleteDestinations = new ArrayList<>();
        List<IpvsCommand> deleteServices = new ArrayList<>();
        TreeSet<ServiceKey> keys = new TreeSet<>(owned);
        keys.addAll(desired.services().keySet());
        for (ServiceKey key : keys) {
            VirtualService want = desired.service(key);
            VirtualService have = actual.service(key);
            if (want == null) {
                if (have != null) {
                    deleteServices.add(new IpvsCommand.DeleteService(key));
                }
                continue;
            }
            if (have == null) {
                addServices.add(new IpvsCommand.AddService(key, want.settings()));
                want.destinations().values().forEach(d -> addDestinations.add(new IpvsCommand.AddDestination(key, d)));
                continue;
            }
            if (!want.settings().equals(have.settings())) {
                editServices.add(new IpvsCommand.EditService(key, want.settings()));
            }
            for (Destination d : want.destinations().values()) {
                Destination current = have.destinations().get(d.endpoint());
                if (current == null) {
                    addDestinations.add(new IpvsCommand.AddDestination(key, d));
                } else if (!current.unmodelled().isEmpty()) {
                    // options -e cannot clear (thresholds, tunnel type): re-create it, in this order
                    editDestinations.add(new IpvsCommand.DeleteDestination(key, d.endpoint()));
                    editDestinations.add(new IpvsCommand.AddDestination(key, d));
                } else if (!d.sameAs(current)) {
                    editDestinations.add(new IpvsCommand.EditDestination(key, d));
                }
            }
            for (Endpoint e : have.destinations().keySet()) {
                if (!want.destinations().containsKey(e)) {
                    deleteDestinations.add(new IpvsCommand.DeleteDestination(key, e));
                }
            }
        }
        List<IpvsCommand> all = new ArrayList<>();
        all.addAll(addServices);
        all.addAll(editServices);
        all.addAll(addDestinations);
        all.addAll(editDestinations);
        all.addAll(deleteDestinations);
        all.addAll(deleteServices);
        return all;
    }
}
