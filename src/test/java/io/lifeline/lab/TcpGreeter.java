package io.lifeline.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A tiny TCP service for lab tests, started inside a namespace as its own process: answers each
 * connection with {@code hello from NAME} and closes it. Bounded: exits after {@code maxSeconds}
 * or {@code MAX_CONNECTIONS} connections (default 1000), whichever comes first.
 *
 * <p>Usage: {@code java -cp TEST_CLASSPATH io.lifeline.lab.TcpGreeter PORT NAME MAX_SECONDS [MAX_CONNECTIONS]}
 */
public final class TcpGreeter {
    private TcpGreeter() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        byte[] greeting = ("hello from " + args[1] + "\n").getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        long maxConnections = args.length > 3 ? Long.parseLong(args[3]) : 1000;
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port)); // wildcard: the VIP may come and go
            server.setSoTimeout(500);
            for (long served = 0; served < maxConnections && System.nanoTime() < deadline; ) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(greeting);
                    served++;
                } catch (SocketTimeoutException idle) {
                    // re-check the deadline
                }
            }
        }
    }
}
