package io.lifeline.proxy;

import io.lifeline.proxy.balance.Balancer;
import io.lifeline.proxy.balance.MapBasedHash;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection in {@code mode tcp}: a byte pipe to one server. When one side
 * finishes sending (FIN), the proxy finishes sending to the other side once everything is
 * delivered ({@code shutdownOutput}), so half-closed protocols work; the connection is closed
 * when both directions are done. Connect failures are retried and redispatched like in HTTP
 * mode, before any byte reaches the server, so the client does not notice.
 */
final class TcpSession extends Session implements ServerConnection.Owner, BackendRuntime.Waiter {

    private static final Logger log = LoggerFactory.getLogger(TcpSession.class);

    private final FrontendRuntime fe;
    private final SocketChannel client;
    private final SelectionKey clientKey;
    private int clientInterest;
    private final BackendRuntime be;
    private final long idleTimeout;
    private final long timeoutConnect;

    private ByteBuffer up;   // client -> server, read mode
    private ByteBuffer down; // server -> client, read mode
    // The last read on that side returned a whole normal buffer or more: a bulk transfer, which
    // moves through a large buffer once the current one is empty, until a short read ends it.
    private boolean upBulk;
    private boolean downBulk;
    private ServerConnection conn;
    private ServerRuntime srv;
    private boolean slotHeld;
    private boolean clientEof;
    private boolean serverEof;
    private boolean serverShut;
    private boolean clientShut;
    private int retries;
    private boolean queued;
    private long connectDeadline;
    private long retryAt;
    private ServerRuntime retryServer;
    private long lastActivity;
    private long hash = Balancer.NO_HASH;
    private long bytesIn;
    private long bytesOut;
    // the access log (option tcplog): the session's moments, System.nanoTime(); 0 when not reached
    private final boolean logSession;
    private final long acceptedNs;
    private final long acceptedWallMs;
    private long connectStartNs;
    private long connectedNs;

    TcpSession(EventLoop loop, FrontendRuntime fe, SocketChannel client) throws IOException {
        super(loop);
        this.fe = fe;
        this.client = client;
        this.be = fe.routeTcp();
        long tc = fe.config.timeouts().client();
        long ts = be == null ? 0 : be.config.timeouts().server();
        // the connection expires when neither side has sent anything for the shorter timeout
        this.idleTimeout = tc > 0 && ts > 0 ? Math.min(tc, ts) : Math.max(tc, ts);
        this.timeoutConnect = be == null ? 0 : be.config.timeouts().connect();
        this.up = loop.takeBuffer();
        this.down = loop.takeBuffer();
        this.clientInterest = SelectionKey.OP_READ;
        this.clientKey = client.register(loop.selector, clientInterest, this);
        this.lastActivity = loop.now;
        this.logSession = fe.config.accessLog() == io.lifeline.proxy.config.AccessLogFormat.TCP
                && AccessLog.LOG.isInfoEnabled();
        this.acceptedNs = logSession ? System.nanoTime() : 0;
        this.acceptedWallMs = logSession ? System.currentTimeMillis() : 0;
        loop.register(this);
    }

    /** Picks a server and connects; called once right after the session is created. */
    void start() {
        if (be == null) {
            close();
            return;
        }
        if (be.config.balance().algorithm() == io.lifeline.proxy.config.Balance.Algorithm.SOURCE) {
            try {
                byte[] ip = ((InetSocketAddress) client.getRemoteAddress()).getAddress().getAddress();
                hash = MapBasedHash.hash(ip, 0, ip.length);
            } catch (IOException e) {
                close();
                return;
            }
        }
        be.counters.lbtot.increment();
        assignServer(null, false);
        pump();
    }

    @Override
    public void onReady(SelectionKey key, int ops) {
        if ((ops & SelectionKey.OP_READ) != 0) {
            try {
                if (upBulk) {
                    up = loop.enlarge(up);
                }
                int n = fill(client, up);
                upBulk = n >= EventLoop.BUFFER_SIZE;
                if (n < 0) {
                    clientEof = true;
                } else if (n > 0) {
                    bytesIn += n;
                    lastActivity = loop.now;
                }
            } catch (IOException e) {
                close();
                return;
            }
        }
        pump();
    }

    @Override
    public void onServerReady(ServerConnection c, int ops) {
        if (c != conn) {
            c.close();
            return;
        }
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            try {
                c.finishConnect();
            } catch (IOException e) {
                connectFailed(e.getMessage() == null ? e.toString() : e.getMessage());
                pump();
                return;
            }
        }
        if ((ops & SelectionKey.OP_READ) != 0 && c.connected) {
            try {
                if (downBulk) {
                    down = loop.enlarge(down);
                }
                int n = fill(c.channel, down);
                downBulk = n >= EventLoop.BUFFER_SIZE;
                if (n < 0) {
                    serverEof = true;
                } else if (n > 0) {
                    lastActivity = loop.now;
                }
            } catch (IOException e) {
                close();
                return;
            }
        }
        pump();
    }

    @Override
    public void wake() {
        loop.execute(() -> {
            if (!closed && queued) {
                queued = false;
                assignServer(null, true);
                pump();
            }
        });
    }

    private void assignServer(ServerRuntime exclude, boolean fromQueue) {
        follow(DispatchPolicy.assign(be, hash, null, exclude, fromQueue));
    }

    private void follow(DispatchPolicy.Step step) {
        switch (step.kind()) {
            case CONNECT -> {
                srv = step.server();
                slotHeld = true;
                connect();
            }
            case QUEUE -> {
                queued = true;
                long queueTimeout = DispatchPolicy.queueTimeoutMillis(be);
                connectDeadline = queueTimeout > 0 ? loop.now + queueTimeout : 0;
                be.enqueue(this);
            }
            case UNAVAILABLE -> {
                be.counters.econ.increment();
                close();
            }
        }
    }

    private void connect() {
        if (logSession && connectStartNs == 0) {
            connectStartNs = System.nanoTime();
        }
        try {
            conn = ServerConnection.open(loop, srv, this);
        } catch (IOException e) {
            connectFailed(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        connectDeadline = conn.connected || timeoutConnect == 0 ? 0 : loop.now + timeoutConnect;
    }

    private void connectFailed(String reason) {
        ServerRuntime failed = srv;
        if (conn != null) {
            conn.close();
            conn = null;
        }
        if (slotHeld) {
            slotHeld = false;
            failed.release();
        }
        retries++;
        switch (DispatchPolicy.connectFailed(be, failed, retries, null, reason)) {
            case GIVE_UP -> {
                log.debug("{}: giving up on {} after {} retries: {}", fe.name(), failed.qualifiedName(), retries - 1, reason);
                close();
            }
            case REDISPATCH -> assignServer(failed, true);
            case RETRY_SAME_SERVER -> {
                retryServer = failed;
                retryAt = loop.now + DispatchPolicy.retryDelayMillis(timeoutConnect);
            }
        }
    }

    private void pump() {
        if (closed) {
            return;
        }
        if (conn != null && conn.connected) {
            connectDeadline = 0;
            if (logSession && connectedNs == 0) {
                connectedNs = System.nanoTime();
            }
            try {
                if (up.hasRemaining()) {
                    conn.channel.write(up);
                }
                if (clientEof && !up.hasRemaining() && !serverShut) {
                    conn.channel.shutdownOutput();
                    serverShut = true;
                }
            } catch (IOException e) {
                close();
                return;
            }
            try {
                if (down.hasRemaining()) {
                    int before = down.position();
                    client.write(down);
                    bytesOut += down.position() - before;
                }
                if (serverEof && !down.hasRemaining() && !clientShut) {
                    client.shutdownOutput();
                    clientShut = true;
                }
            } catch (IOException e) {
                close();
                return;
            }
            if (serverShut && clientShut) {
                close();
                return;
            }
            if (!upBulk) {
                up = loop.shrink(up);
            }
            if (!downBulk) {
                down = loop.shrink(down);
            }
        } else if (clientEof && conn == null && !queued && retryServer == null) {
            close();
            return;
        }
        updateInterest();
    }

    private void updateInterest() {
        int ci = 0;
        if (!clientEof && hasRoom(up)) {
            ci = SelectionKey.OP_READ;
        }
        if (down.hasRemaining()) {
            ci |= SelectionKey.OP_WRITE;
        }
        if (ci != clientInterest) {
            clientInterest = ci;
            clientKey.interestOps(ci);
        }
        if (conn != null) {
            int si;
            if (!conn.connected) {
                si = SelectionKey.OP_CONNECT;
            } else {
                si = !serverEof && hasRoom(down) ? SelectionKey.OP_READ : 0;
                if (up.hasRemaining()) {
                    si |= SelectionKey.OP_WRITE;
                }
            }
            conn.interest(si);
        }
    }

    private static boolean hasRoom(ByteBuffer b) {
        return b.limit() < b.capacity() || b.position() > 0;
    }

    /** Reads into a read-mode buffer, compacting it first when needed. */
    static int fill(SocketChannel ch, ByteBuffer b) throws IOException {
        int pos = b.position();
        if (pos == b.limit() && pos != 0) {
            b.clear().limit(0);
        } else if (b.limit() == b.capacity()) {
            if (pos == 0) {
                return 0;
            }
            b.compact().flip();
        }
        pos = b.position();
        int lim = b.limit();
        b.position(lim).limit(b.capacity());
        try {
            return ch.read(b);
        } finally {
            b.limit(b.position()).position(pos);
        }
    }

    @Override
    void checkTimeouts(long now) {
        if (closed) {
            return;
        }
        if (retryServer != null && now >= retryAt) {
            ServerRuntime s = retryServer;
            retryServer = null;
            follow(DispatchPolicy.retryDue(be, s, retries, null, hash));
            pump();
            return;
        }
        if (connectDeadline > 0 && now >= connectDeadline) {
            connectDeadline = 0;
            if (queued) {
                if (be.dequeue(this)) {
                    queued = false;
                    be.counters.econ.increment();
                    close();
                }
            } else if (conn != null && !conn.connected) {
                connectFailed("connection timeout");
                pump();
            }
            return;
        }
        if (idleTimeout > 0 && now - lastActivity >= idleTimeout) {
            log.debug("{}: closing idle TCP connection", fe.name());
            close();
        }
    }

    @Override
    boolean isIdle() {
        return false; // a TCP stream has no safe point to cut
    }

    @Override
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        logSession(); // while the client's address can still be read
        if (queued && be != null) {
            be.dequeue(this);
        }
        if (conn != null) {
            conn.close();
            conn = null;
        }
        if (slotHeld) {
            slotHeld = false;
            srv.release();
        }
        clientKey.cancel();
        try {
            client.close();
        } catch (IOException e) {
            log.debug("closing client connection: {}", e.toString());
        }
        loop.unregister(this);
        loop.giveBuffer(up);
        loop.giveBuffer(down);
        fe.counters.bin.add(bytesIn);
        fe.counters.bout.add(bytesOut);
        if (srv != null) {
            srv.counters.bin.add(bytesIn);
            srv.counters.bout.add(bytesOut);
        }
        if (be != null) {
            be.counters.bin.add(bytesIn);
            be.counters.bout.add(bytesOut);
        }
        fe.counters.sessionEnded();
        loop.proxy.connectionClosed(loop);
    }

    /** The session's access log line (option tcplog), unless dontlognull and the client sent nothing. */
    private void logSession() {
        if (!logSession || fe.config.dontLogNull() && bytesIn == 0) {
            return;
        }
        long end = System.nanoTime();
        AccessLog.Termination t = connectedNs == 0 ? AccessLog.Termination.NO_SERVER
                : clientEof || serverEof ? AccessLog.Termination.NORMAL : AccessLog.Termination.TIMEOUT_OR_ERROR;
        InetSocketAddress client = null;
        try {
            client = (InetSocketAddress) this.client.getRemoteAddress();
        } catch (IOException | RuntimeException e) {
            // closed already: logged as -:-
        }
        AccessLog.LOG.info(AccessLog.tcp(client, acceptedWallMs, fe.name(), be == null ? fe.name() : be.name(),
                srv == null || connectStartNs == 0 ? null : srv.name(),
                connectStartNs == 0 ? -1 : (connectStartNs - acceptedNs) / 1_000_000L,
                connectedNs == 0 ? -1 : (connectedNs - connectStartNs) / 1_000_000L, (end - acceptedNs) / 1_000_000L,
                bytesOut, t, fe.counters.scur.get(), be == null ? 0 : be.counters.scur.get(),
                srv == null ? 0 : srv.counters.scur.get(), retries));
    }
}
