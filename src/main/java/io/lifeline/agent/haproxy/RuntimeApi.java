package io.lifeline.agent.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One command on haproxy's runtime API (a {@code stats socket}, or the master CLI opened with
 * {@code -S}): connect, send the command, close our side, read the answer to the end. The
 * half-close matters: the master CLI keeps a connection open for more commands until it sees
 * end of input. Non-blocking, so that every step honours the deadline.
 */
final class RuntimeApi {

    /** haproxy's answers here are a few KiB; a bound keeps a confused peer from filling the heap. */
    static final int MAX_ANSWER = 4 * 1024 * 1024;

    /** Where a runtime API listens: a Unix socket path, or a TCP address. */
    record Endpoint(SocketAddress address, String display) {
        static Endpoint unix(Path path) {
            return new Endpoint(UnixDomainSocketAddress.of(path), path.toString());
        }

        static Endpoint tcp(String host, int port) {
            return new Endpoint(InetSocketAddress.createUnresolved(host, port),
                    (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        }

        boolean isUnix() {
            return address instanceof UnixDomainSocketAddress;
        }

        @Override
        public String toString() {
            return display;
        }
    }

    private RuntimeApi() {
    }

    /** Sends one command and returns the whole answer. */
    static String query(Endpoint endpoint, String command, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketAddress target = endpoint.address();
        if (target instanceof InetSocketAddress inet && inet.isUnresolved()) {
            target = new InetSocketAddress(inet.getHostString(), inet.getPort());
        }
        try (SocketChannel channel = endpoint.isUnix()
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
             Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(target)) {
                await(selector, key, SelectionKey.OP_CONNECT, deadline, "connecting");
                channel.finishConnect();
            }
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline, "sending '" + command + "'");
                }
            }
            channel.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    await(selector, key, SelectionKey.OP_READ, deadline, "waiting for the answer to '" + command + "'");
                    continue;
                }
                answer.write(in.array(), 0, in.position());
                in.clear();
                if (answer.size() > MAX_ANSWER) {
                    throw new IOException("answer to '" + command + "' exceeds " + MAX_ANSWER + " bytes");
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static void await(Selector selector, SelectionKey key, int op, long deadline, String what)
            throws IOException {
        key.interestOps(op);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("timed out " + what);
            }
            selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
            boolean ready = !selector.selectedKeys().isEmpty();
            selector.selectedKeys().clear();
            if (ready) {
                key.interestOps(0);
                return;
            }
        }
    }
}
