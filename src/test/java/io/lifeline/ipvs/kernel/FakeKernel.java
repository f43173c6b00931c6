package io.lifeline.ipvs.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory IPVS table that applies commands with the kernel's rules (adding an existing
 * service or destination fails, deleting a missing one fails), records every command, and can
 * be told to fail like a kernel without IPVS.
 */
public final class FakeKernel implements IpvsKernel {

    private final Map<ServiceKey, VirtualService> services = new LinkedHashMap<>();
    private final List<IpvsCommand> applied = Collections.synchronizedList(new ArrayList<>());
    private volatile IpvsException failure;

    public synchronized IpvsTable table() {
        return new IpvsTable(services);
    }

    /** Commands applied so far, oldest first. */
    public List<IpvsCommand> applied() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    public void clearApplied() {
        applied.clear();
    }

    /** Every read and apply fails with this until set back to null. */
    public void failWith(IpvsException e) {
        failure = e;
    }

    /** Applies a command without recording it: an admin's hand edit. */
    public synchronized void byHand(IpvsCommand c) throws IpvsException {
        change(c);
    }

    @Override
    public synchronized IpvsTable read() throws IpvsException {
        if (failure != null) {
            throw failure;
        }
        return table();
    }

    @Override
    public synchronized void apply(IpvsCommand command) throws IpvsException {
        if (failure != null) {
            throw failure;
        }
        change(command);
        applied.add(command);
    }

    private void change(IpvsCommand command) throws IpvsException {
        ServiceKey key = command.service();
        VirtualService s = services.get(key);
        if (command instanceof IpvsCommand.AddService a) {
            if (s != null) {
                throw error("Service already exists");
            }
            services.put(key, new VirtualService(key, a.settings(), Map.of()));
            return;
        }
        if (s == null) {
            throw error("Service not defined");
        }
        Map<Endpoint, Destination> dests = new LinkedHashMap<>(s.destinations());
        if (command instanceof IpvsCommand.EditService e) {
            services.put(key, new VirtualService(key, e.settings(), dests));
        } else if (command instanceof IpvsCommand.DeleteService) {
            services.remove(key);
        } else if (command instanceof IpvsCommand.AddDestination a) {
            if (dests.putIfAbsent(a.destination().endpoint(), a.destination()) != null) {
                throw error("Destination already exists");
            }
            services.put(key, new VirtualService(key, s.settings(), dests));
        } else if (command instanceof IpvsCommand.EditDestination e) {
            if (dests.replace(e.destination().endpoint(), e.destination()) == null) {
                throw error("No such destination");
            }
            services.put(key, new VirtualService(key, s.settings(), dests));
        } else if (command instanceof IpvsCommand.DeleteDestination del) {
            if (dests.remove(del.destination()) == null) {
                throw error("No such destination");
            }
            services.put(key, new VirtualService(key, s.settings(), dests));
        }
    }

    private static IpvsException error(String message) {
        return new IpvsException(IpvsException.Kind.FAILED, message);
    }
}
