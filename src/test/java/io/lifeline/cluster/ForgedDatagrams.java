package io.lifeline.cluster;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.jgroups.BytesMessage;
import org.jgroups.Version;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.UUID;

/**
 * Test and benchmark tool, run from an attacker namespace: sends forged datagrams of one kind at
 * a cluster, round-robin over the given destinations, at a bounded rate and count.
 * <ul>
 *   <li>{@code random}: random bytes, 0..300 long</li>
 *   <li>{@code huge}: a JGroups single-message datagram whose payload length says 0x7FFFFFF0
 *       (what issue 14 sent: a decoder that trusts it allocates ~2 GiB)</li>
 *   <li>{@code truncated}, {@code bitflip}, {@code replay}: a captured datagram of the given source
 *       cut short at a random point, with one random bit flipped, or unchanged</li>
 * </ul>
 * Usage: {@code ForgedDatagrams KIND COUNT PER-SECOND PCAP|- SOURCE-IP|- DEST:PORT...}; prints
 * {@code sent N}. Count at most 2,000,000, rate at most 200,000/s.
 */
public final class ForgedDatagrams {

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int count = Math.min(Integer.parseInt(args[1]), 2_000_000);
        int perSecond = Math.max(1, Math.min(Integer.parseInt(args[2]), 200_000));
        List<byte[]> captured = new ArrayList<>();
        if (!args[3].equals("-")) {
            for (PcapReplay.Datagram d : PcapReplay.read(Path.of(args[3]), InetAddress.getByName(args[4]))) {
                captured.add(d.payload());
            }
        }
        List<InetSocketAddress> dests = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            String[] hp = args[i].split(":");
            dests.add(new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1])));
        }
        Random r = new Random(14);
        long start = System.nanoTime();
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket()) {
            s.setBroadcast(true);
            for (int i = 0; i < count; i++) {
                byte[] d = datagram(kind, captured, r);
                s.send(new DatagramPacket(d, d.length, dests.get(i % dests.size())));
                sent++;
                long due = start + (long) i * 1_000_000_000L / perSecond;
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    LockSupport.parkNanos(ahead);
                }
            }
        }
        System.out.println("kind " + kind + " sent " + sent + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /**
     * A JGroups 5.5 single-message datagram as the transport sends it (version, flags, message
     * type, message) whose payload length field is rewritten to 0x7FFFFFF0.
     */
    static byte[] hugeAnnouncedLength() {
        try {
            BytesMessage m = new BytesMessage(null, new byte[8]);
            m.setSrc(UUID.randomUUID());
            ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(128);
            out.writeShort(Version.version);
            out.writeByte(0); // single message, unicast
            out.writeShort(m.getType());
            m.writeTo(out);
            byte[] d = Arrays.copyOf(out.buffer(), out.position());
            int length = d.length - 8 - 4; // BytesMessage: int length, then the bytes
            d[length] = 0x7F;
            d[length + 1] = (byte) 0xFF;
            d[length + 2] = (byte) 0xFF;
            d[length + 3] = (byte) 0xF0;
            return d;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] datagram(String kind, List<byte[]> captured, Random r) {
        switch (kind) {
            case "random" -> {
                byte[] d = new byte[r.nextInt(301)];
                r.nextBytes(d);
                return d;
            }
            case "huge" -> {
                return hugeAnnouncedLength();
            }
            default -> {
                if (captured.isEmpty()) {
                    throw new IllegalArgumentException(kind + " needs a capture");
                }
                byte[] c = captured.get(r.nextInt(captured.size()));
                return switch (kind) {
                    case "truncated" -> Arrays.copyOf(c, r.nextInt(c.length));
                    case "bitflip" -> {
                        byte[] d = c.clone();
                        int bit = r.nextInt(d.length * 8);
                        d[bit / 8] ^= (byte) (1 << (bit % 8));
                        yield d;
                    }
                    case "replay" -> c;
                    default -> throw new IllegalArgumentException("unknown kind " + kind);
                };
            }
        }
    }
}
