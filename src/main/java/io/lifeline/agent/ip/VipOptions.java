package io.lifeline.agent.ip;

import io.lifeline.net.ArpMode;
import java.time.Duration;
import java.util.Optional;

/**
 * Lifeline's key=value options for a virtual IP (after the address in haresources, each after
 * its own {@code ::}).
 *
 * @param arpCount announcement rounds after start and on re-announce (0 = none)
 * @param arpInterval time between rounds
 * @param arpMode which ARP packets a round sends (IPv6 always sends one neighbour advertisement)
 * @param arpRefresh one round every this long while the address is held; zero = off
 * @param dadProbe probe for another owner before adding the address
 * @param dadCount probes sent
 * @param dadInterval time between probes (and waited after the last)
 * @param ifLabel IPv4 label suffix: the address is labelled {@code <nic>:<ifLabel>}
 */
public record VipOptions(int arpCount, Duration arpInterval, ArpMode arpMode, Duration arpRefresh,
                         boolean dadProbe, int dadCount, Duration dadInterval, Optional<String> ifLabel) {

    /**
     * The probe defaults to 2 probes 25 ms apart (50 ms in all): a live owner on the LAN
     * answers within a millisecond, so a longer wait only delays every takeover.
     */
    public static final VipOptions DEFAULTS = new VipOptions(5, Duration.ofMillis(200), ArpMode.BOTH, Duration.ZERO,
            true, 2, Duration.ofMillis(25), Optional.empty());

    /** How long the duplicate-address probe takes when nobody answers. */
    public Duration probeTime() {
        return dadProbe ? dadInterval.multipliedBy(dadCount) : Duration.ZERO;
    }
}
