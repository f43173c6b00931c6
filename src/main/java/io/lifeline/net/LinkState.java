package io.lifeline.net;

/**
 * One network interface as {@code RTM_GETLINK} reports it.
 *
 * @param adminUp {@code IFF_UP}: configured up ({@code ip link set up})
 * @param lowerUp {@code IFF_LOWER_UP}: carrier present
 * @param mac null for interfaces without a hardware address
 */
public record LinkState(int ifindex, String name, boolean adminUp, boolean lowerUp, OperState operState,
                        MacAddress mac, int mtu) {

    /**
     * Whether traffic can flow: admin up, carrier present, and the operational state up or
     * unknown (dummy and some virtual devices never report more than "unknown").
     */
    public boolean isUsable() {
        return adminUp && lowerUp && (operState == OperState.UP || operState == OperState.UNKNOWN);
    }

    /** Why the link is not usable, for messages: {@code "link eth0 is down (administratively down)"}. */
    public String describe() {
        if (isUsable()) {
            return "link " + name + " is up";
        }
        String why = !adminUp ? "administratively down" : !lowerUp ? "no carrier" : "operstate " + operState;
        return "link " + name + " is down (" + why + ")";
    }
}
