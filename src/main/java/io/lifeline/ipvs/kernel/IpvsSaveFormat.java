package io.lifeline.ipvs.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the kernel table from {@code ipvsadm --save -n} output, which is ipvsadm's own
 * stable, line-per-object format:
 * <pre>
 * -A -t 198.51.100.100:80 -s rr -p 300
 * -a -t 198.51.100.100:80 -r 198.51.100.11:80 -m -w 1
 * </pre>
 * Options Lifeline does not manage (scheduler flags, thresholds, fwmark services...) are
 * kept as "unmodelled" so a difference from the desired state is still seen. Services other
 * than TCP/UDP address services (fwmark, SCTP) are skipped: Lifeline never owns them.
 */
public final class IpvsSaveFormat {

    private IpvsSaveFormat() {
    }

    /**
     * @throws IllegalArgumentException naming the line when the output is not in the expected format
     */
    public static IpvsTable parse(String text) {
        Map<ServiceKey, ServiceSettings> settings = new LinkedHashMap<>();
        Map<ServiceKey, Map<Endpoint, Destination>> destinations = new HashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                parseLine(line, settings, destinations);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ipvsadm --save line " + (i + 1) + " '" + line + "': " + e.getMessage());
            }
        }
        Map<ServiceKey, VirtualService> services = new LinkedHashMap<>();
        settings.forEach((k, s) -> services.put(k, new VirtualService(k, s, destinations.getOrDefault(k, Map.of()))));
        return new IpvsTable(services);
    }

    private static void parseLine(String line, Map<ServiceKey, ServiceSettings> settings,
                                  Map<ServiceKey, Map<Endpoint, Destination>> destinations) {
        String[] w = line.split("\\s+");
        if (w.length < 3) {
            throw new IllegalArgumentException("too short");
        }
        Protocol protocol = Protocol.fromOption(w[1]);
        if (protocol == null) {
            return; // -f fwmark or --sctp-service: never Lifeline's
        }
        ServiceKey key = new ServiceKey(protocol, Endpoint.parse(w[2]));
        switch (w[0]) {
            case "-A" -> {
                String scheduler = null;
                int persistence = 0;
                String mask = "";
                List<String> other = new ArrayList<>();
                for (int i = 3; i < w.length; i++) {
                    switch (w[i]) {
                        case "-s" -> scheduler = value(w, ++i);
                        case "-p" -> persistence = integer(value(w, ++i));
                        case "-M" -> mask = value(w, ++i);
                        default -> other.add(w[i]);
                    }
                }
                if (scheduler == null) {
                    throw new IllegalArgumentException("no scheduler");
                }
                settings.put(key, new ServiceSettings(scheduler, persistence, mask, other));
            }
            case "-a" -> {
                Endpoint real = null;
                Forwarding forwarding = null;
                int weight = 1;
                List<String> other = new ArrayList<>();
                for (int i = 3; i < w.length; i++) {
                    switch (w[i]) {
                        case "-r" -> real = Endpoint.parse(value(w, ++i));
                        case "-w" -> weight = integer(value(w, ++i));
                        case "-m", "-g", "-i" -> forwarding = Forwarding.fromOption(w[i]);
                        case "--tun-type" -> {
                            String type = value(w, ++i);
                            if (!type.equals("ipip")) { // ipip is the default ipvsadm always prints
                                other.add("--tun-type " + type);
                            }
                        }
                        default -> other.add(w[i]);
                    }
                }
                if (real == null || forwarding == null) {
                    throw new IllegalArgumentException("no real server or forwarding method");
                }
                if (!settings.containsKey(key)) {
                    throw new IllegalArgumentException("real server before its service");
                }
                destinations.computeIfAbsent(key, k -> new LinkedHashMap<>())
                        .put(real, new Destination(real, forwarding, weight, other));
            }
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    private static String value(String[] w, int i) {
        if (i >= w.length) {
            throw new IllegalArgumentException(w[i - 1] + " without a value");
        }
        return w[i];
    }

    private static int integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + s);
        }
    }
}
