package io.lifeline.faults;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Hostile datagrams for the fault suite, run as its own process inside a namespace (JDK only).
 * Every mode is bounded in count and time.
 *
 * <ul>
 *   <li>{@code capture PORT COUNT SECONDS FILE}: keeps up to COUNT heartbeat datagrams heard on
 *   {@code 0.0.0.0:PORT} (the links broadcast) as {@code SOURCE-IP BASE64} lines;</li>
 *   <li>{@code forge FILE PORT COUNT SEED DEST...}: COUNT datagrams spread over about a second:
 *   random bytes, captured ones with flipped bits, truncated, or with four bytes somewhere set to
 *   a huge length (0x7FFFFFF0), each sent to every DEST;</li>
 *   <li>{@code replay FILE PORT SOURCE-IP>DEST...}: sends once every captured datagram of each
 *   SOURCE-IP, unchanged, to its DEST (run it in the sender's namespace: the same source address).</li>
 * </ul>
 * Prints {@code sent N} (or {@code captured N}).
 */
public final class Datagrams {

    static final int MAX_COUNT = 100_000;

    private Datagrams() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "capture" -> capture(Integer.parseInt(args[1]), Math.min(Integer.parseInt(args[2]), MAX_COUNT),
                    Long.parseLong(args[3]), Path.of(args[4]));
            case "forge" -> forge(read(Path.of(args[1]), null), Integer.parseInt(args[2]),
                    Math.min(Integer.parseInt(args[3]), MAX_COUNT), Long.parseLong(args[4]),
                    Arrays.copyOfRange(args, 5, args.length));
            case "replay" -> {
                for (int i = 3; i < args.length; i++) {
                    String[] pair = args[i].split(">");
                    send(read(Path.of(args[1]), pair[0]), Integer.parseInt(args[2]), new String[] {pair[1]}, 0);
                }
            }
            default -> throw new IllegalArgumentException("mode: capture | forge | replay, not " + args[0]);
        }
    }

    private static void capture(int port, int count, long seconds, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            s.setSoTimeout(200);
            byte[] buf = new byte[65_536];
            while (lines.size() < count && System.nanoTime() < end) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException idle) {
                    continue;
                }
                lines.add(p.getAddress().getHostAddress() + " "
                        + Base64.getEncoder().encodeToString(Arrays.copyOf(p.getData(), p.getLength())));
            }
        }
        Files.write(file, lines, StandardCharsets.US_ASCII);
        System.out.println("captured " + lines.size());
    }

    private static List<byte[]> read(Path file, String source) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] f = line.split(" ");
            if (f.length == 2 && (source == null || f[0].equals(source))) {
                out.add(Base64.getDecoder().decode(f[1]));
            }
        }
        return out;
    }

    private static void forge(List<byte[]> captured, int port, int count, long seed, String[] dests)
            throws IOException, InterruptedException {
        Random r = new Random(seed);
        List<byte[]> forged = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = captured.isEmpty() ? 0 : r.nextInt(4);
            byte[] d;
            if (kind == 0) {
                d = new byte[1 + r.nextInt(1400)];
                r.nextBytes(d);
            } else {
                byte[] base = captured.get(r.nextInt(captured.size()));
                d = base.clone();
                if (kind == 1) {
                    for (int f = 1 + r.nextInt(8); f > 0; f--) {
                        d[r.nextInt(d.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                } else if (kind == 2) {
                    d = Arrays.copyOf(d, r.nextInt(d.length));
                } else if (d.length >= 4) {
                    int at = r.nextInt(d.length - 3);
                    d[at] = 0x7F;
                    d[at + 1] = (byte) 0xFF;
                    d[at + 2] = (byte) 0xFF;
                    d[at + 3] = (byte) 0xF0;
                }
            }
            forged.add(d);
        }
        send(forged, port, dests, Math.max(1, 1000 / Math.max(1, count)));
    }

    /** Sends each datagram to every destination; {@code pauseMs} after each datagram (0: back to back). */
    private static void send(List<byte[]> datagrams, int port, String[] dests, long pauseMs)
            throws IOException, InterruptedException {
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket()) {
            s.setBroadcast(true);
            for (byte[] d : datagrams) {
                for (String dest : dests) {
                    s.send(new DatagramPacket(d, d.length, InetAddress.getByName(dest), port));
                    sent++;
                }
                if (pauseMs > 0 && sent % 2 == 0) {
                    Thread.sleep(pauseMs);
                }
            }
        }
        System.out.println("sent " + sent);
    }
}
