package io.lifeline.cli;

import io.lifeline.thread.NamedThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run for a hactl command's class-data archive, made before anyone runs the command:
 * the package's postinst (and anyone, with {@code hactl --cds-train KIND}) runs the
 * launcher with this class instead of hactl's main, so the launcher's archive flags record the
 * classes the command loads with this host's JVM (docs/ARCHITECTURE.md, "Start-up").
 *
 * <p>{@code status} and {@code events} run the real quick command against a socket this class
 * serves itself, answering every request with a recorded daemon answer (resources
 * {@code cds-training/*.json}), so the archive holds the socket client, the JSON reader and the
 * table rendering, not only what loads before a "daemon not running" error. Anything else runs
 * {@code --version} and picocli's {@code --help}, the path every other client command takes. The
 * daemon has no training: its archive is made when it stops (it needs its real configuration and
 * links).
 * Output goes nowhere; the exit status is 0 when the command ran as with a daemon.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false);
        int status;
        System.setOut(nowhere);
        System.setErr(nowhere);
        try {
            status = run(args.length == 0 ? "client" : args[0]);
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
        System.exit(status);
    }

    /** Runs the training of one kind (status, events, anything else: the picocli client). */
    static int run(String kind) throws IOException, ClassNotFoundException {
        if (!kind.equals("status") && !kind.equals("events")) {
            Integer version = QuickCommands.run(new String[] {"--version"});
            return Math.max(version == null ? 2 : version, Hactl.newCommandLine().execute("--help"));
        }
        // the launcher's main class, which the real command loads first (-jar): into the archive too
        Class.forName(Hactl.class.getName(), false, CdsTraining.class.getClassLoader());
        byte[] answer;
        try (InputStream in = CdsTraining.class.getResourceAsStream("cds-training/" + kind + ".json")) {
            if (in == null) {
                throw new IOException("no recorded answer for " + kind + " in the jar");
            }
            answer = in.readAllBytes();
        }
        Path dir = Files.createTempDirectory("lifeline-cds-training");
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            NamedThreads.daemon("cds-training").start(() -> answerAll(server, answer));
            List<String[]> commands = new ArrayList<>();
            commands.add(new String[] {kind, "--socket", socket.toString()});
            commands.add(new String[] {kind, "--socket", socket.toString(), "--json"});
            int worst = 0;
            for (String[] command : commands) {
                Integer status = QuickCommands.run(command);
                worst = Math.max(worst, status == null ? 2 : status);
            }
            return worst;
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /** Reads up to the end of the request line (its content does not matter here). */
    private static void readRequestLine(SocketChannel c) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (c.read(in) >= 0) {
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    return;
                }
            }
            in.clear();
        }
    }

    /** The recorded answer (one line) to every request line, on every connection, until closed. */
    private static void answerAll(ServerSocketChannel server, byte[] answer) {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                readRequestLine(c);
                ByteBuffer out = ByteBuffer.wrap(answer);
                while (out.hasRemaining()) {
                    c.write(out);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }
}
