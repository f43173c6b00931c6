package io.lifeline.ipvs.check;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.util.Locale;

/** Small helpers shared by the network checks. */
final class Sockets {

    private Sockets() {
    }

    static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** A short reason for humans, without the stack trace. */
    static String reason(IOException e) {
        if (e instanceof ConnectException) {
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            return m.contains("refused") ? "connection refused" : "cannot connect: " + e.getMessage();
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
