package io.lifeline.cluster;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test tool, run inside an attacker namespace: reads a tcpdump capture (classic pcap, Ethernet),
 * takes the UDP datagrams sent by one IP and sends their payloads again to their original
 * destinations. Bounded: {@code rounds} passes over the capture, {@code pauseMs} between passes.
 * Usage: {@code PcapReplay FILE SOURCE-IP ROUNDS PAUSE-MS}; prints the number of datagrams sent.
 */
public final class PcapReplay {

    record Datagram(InetAddress dest, int port, byte[] payload) {
    }

    public static void main(String[] args) throws Exception {
        List<Datagram> captured = read(Path.of(args[0]), InetAddress.getByName(args[1]));
        int rounds = Math.min(Integer.parseInt(args[2]), 100);
        long pause = Long.parseLong(args[3]);
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket()) {
            s.setBroadcast(true);
            for (int r = 0; r < rounds; r++) {
                for (Datagram d : captured) {
                    s.send(new DatagramPacket(d.payload(), d.payload().length, d.dest(), d.port()));
                    sent++;
                }
                Thread.sleep(pause);
            }
        }
        System.out.println("captured " + captured.size() + " sent " + sent);
    }

    static List<Datagram> read(Path file, InetAddress source) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4) {
            b.order(ByteOrder.BIG_ENDIAN);
            if (b.getInt(0) != 0xa1b2c3d4) {
                throw new IOException("not a classic pcap file: " + file);
            }
        }
        if (b.getInt(20) != 1) {
            throw new IOException("capture is not Ethernet (link type " + b.getInt(20) + ")");
        }
        List<Datagram> out = new ArrayList<>();
        int pos = 24;
        byte[] src = source.getAddress();
        while (pos + 16 <= b.limit()) {
            int incl = b.getInt(pos + 8);
            int frame = pos + 16;
            pos = frame + incl;
            if (pos > b.limit() || incl < 14 + 20 + 8) {
                break;
            }
            ByteBuffer f = ByteBuffer.wrap(b.array(), frame, incl).slice().order(ByteOrder.BIG_ENDIAN);
            if ((f.getShort(12) & 0xffff) != 0x0800 || (f.get(14 + 9) & 0xff) != 17) {
                continue; // not IPv4/UDP
            }
            int ihl = (f.get(14) & 0x0f) * 4;
            byte[] ipSrc = new byte[4];
            byte[] ipDst = new byte[4];
            f.get(14 + 12, ipSrc);
            f.get(14 + 16, ipDst);
            if (!Arrays.equals(ipSrc, src)) {
                continue;
            }
            int udp = 14 + ihl;
            int port = f.getShort(udp + 2) & 0xffff;
            int len = (f.getShort(udp + 4) & 0xffff) - 8;
            if (len <= 0 || udp + 8 + len > incl) {
                continue;
            }
            byte[] payload = new byte[len];
            f.get(udp + 8, payload);
            out.add(new Datagram(InetAddress.getByAddress(ipDst), port, payload));
        }
        return out;
    }
}
