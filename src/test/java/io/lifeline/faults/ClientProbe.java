package io.lifeline.faults;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The fault suite's client, run as its own process in the client namespace: every 20 ms, for
 * every VIP, a new TCP connection (each probe with its own 200 ms deadline, concurrently, so a
 * hanging probe does not delay the next). HTTP services get {@code GET /}; the answer's last
 * word names the node that served. One line per probe on stdout:
 * {@code START_MS VIP_INDEX ok NODE} or {@code START_MS VIP_INDEX fail REASON} (epoch ms).
 * Bounded: exits after {@code SECONDS}.
 *
 * <p>Usage: {@code ClientProbe SECONDS VIP:PORT[:http] ...}
 */
public final class ClientProbe {

    static final long INTERVAL_MS = 20;
    static final int DEADLINE_MS = 200;

    private ClientProbe() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII), 1 << 16);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        ExecutorService probes = Executors.newFixedThreadPool(3 * (args.length - 1) * (DEADLINE_MS / (int) INTERVAL_MS + 1));
        for (int i = 1; i < args.length; i++) {
            String[] spec = args[i].split(":");
            int index = i - 1;
            boolean http = spec.length > 2 && spec[2].equals("http");
            InetSocketAddress target = new InetSocketAddress(spec[0], Integer.parseInt(spec[1]));
            ticks.scheduleAtFixedRate(() -> probes.execute(() -> {
                long start = System.currentTimeMillis();
                String result = probe(target, http);
                synchronized (out) {
                    try {
                        out.write(start + " " + index + " " + result + "\n");
                    } catch (IOException e) {
                        System.exit(2); // the suite is gone
                    }
                }
            }), 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
        ticks.scheduleAtFixedRate(() -> {
            synchronized (out) {
                try {
                    out.flush();
                } catch (IOException e) {
                    System.exit(2);
                }
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        Thread.sleep(seconds * 1000);
        ticks.shutdownNow();
        probes.shutdownNow();
        synchronized (out) {
            out.flush();
        }
        System.exit(0);
    }

    private static String probe(InetSocketAddress target, boolean http) {
        try (Socket s = new Socket()) {
            long deadline = System.nanoTime() + DEADLINE_MS * 1_000_000L;
            s.connect(target, DEADLINE_MS);
            s.setSoTimeout(DEADLINE_MS);
            if (http) {
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            int len = 0;
            for (int r; len < buf.length && (r = in.read(buf, len, buf.length - len)) > 0; ) {
                len += r;
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            String answer = new String(buf, 0, len, StandardCharsets.US_ASCII).strip();
            String[] words = answer.split("\\s+");
            String who = words[words.length - 1];
            return who.matches("n\\d") ? "ok " + who : "fail garbled";
        } catch (java.net.SocketTimeoutException e) {
            return "fail timeout";
        } catch (java.net.ConnectException e) {
            return "fail refused";
        } catch (IOException e) {
            return "fail " + e.getClass().getSimpleName();
        }
    }
}
