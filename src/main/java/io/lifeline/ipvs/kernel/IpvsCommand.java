package io.lifeline.ipvs.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * One change to the kernel's IPVS table, as one {@code ipvsadm} invocation. Structured rather
 * than a string so that tests can apply it to a model table and logs can show the exact
 * command an admin would type.
 */
public sealed interface IpvsCommand {

    /** The service the command changes. */
    ServiceKey service();

    /** ipvsadm's arguments (without the program name). */
    List<String> args();

    /** The command line as an admin would type it. */
    default String commandLine() {
        return "ipvsadm " + String.join(" ", args());
    }

    record AddService(ServiceKey service, ServiceSettings settings) implements IpvsCommand {
        @Override
        public List<String> args() {
            List<String> a = new ArrayList<>(List.of("-A"));
            a.addAll(List.of(service.selector()));
            a.addAll(settings.options());
            return a;
        }
    }

    record EditService(ServiceKey service, ServiceSettings settings) implements IpvsCommand {
        @Override
        public List<String> args() {
            List<String> a = new ArrayList<>(List.of("-E"));
            a.addAll(List.of(service.selector()));
            a.addAll(settings.options());
            return a;
        }
    }

    record DeleteService(ServiceKey service) implements IpvsCommand {
        @Override
        public List<String> args() {
            List<String> a = new ArrayList<>(List.of("-D"));
            a.addAll(List.of(service.selector()));
            return a;
        }
    }

    record AddDestination(ServiceKey service, Destination destination) implements IpvsCommand {
        @Override
        public List<String> args() {
            return destinationArgs("-a", service, destination);
        }
    }

    record EditDestination(ServiceKey service, Destination destination) implements IpvsCommand {
        @Override
        public List<String> args() {
            return destinationArgs("-e", service, destination);
        }
    }

    record DeleteDestination(ServiceKey service, Endpoint destination) implements IpvsCommand {
        @Override
        public List<String> args() {
            List<String> a = new ArrayList<>(List.of("-d"));
            a.addAll(List.of(service.selector()));
            a.add("-r");
            a.add(destination.ipvsadm());
            return a;
        }
    }

    private static List<String> destinationArgs(String verb, ServiceKey service, Destination d) {
        List<String> a = new ArrayList<>(List.of(verb));
        a.addAll(List.of(service.selector()));
        a.addAll(List.of("-r", d.endpoint().ipvsadm(), d.forwarding().option(), "-w", Integer.toString(d.weight())));
        return a;
    }
}
