package io.lifeline.proxy;

import io.lifeline.proxy.balance.Balancer;
import io.lifeline.proxy.balance.MapBasedHash;
import io.lifeline.proxy.http.ChunkedFraming;
import io.lifeline.proxy.http.ErrorPages;
import io.lifeline.proxy.http.HttpHead;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection in {@code mode http}: parses each request head once, routes it,
 * forwards the (rewritten) head and then the body bytes as they are to a pooled or new server
 * connection, and streams the response back the same way. Requests on a connection are handled
 * one at a time, so pipelined requests are answered in order; bytes of the next request simply
 * wait in the input buffer.
 *
 * <p>All work happens on the owning event loop's thread. {@link #advance()} is the single
 * pump: after any event it moves both directions forward as far as the buffers allow, then
 * sets the selector interest to exactly what it is waiting for.
 */
final class HttpSession extends Session implements ServerConnection.Owner, BackendRuntime.Waiter {

    private static final Logger log = LoggerFactory.getLogger(HttpSession.class);

    /** Where the current request is. */
    private enum RequestPhase {
        /** Waiting for (the rest of) a request head. */
        HEAD,
        /** Routed; waiting for a connection, a queue slot or a retry ({@link WaitingFor}). */
        WAIT,
        /** Sending head and body to the server. */
        BODY,
        /** The whole request is sent (or was answered by the proxy). */
        DONE
    }

    /** Where the current response is. */
    private enum ResponsePhase {
        /** No request in progress. */
        IDLE,
        /** Waiting for the response head. */
        HEAD,
        /** Forwarding head and body to the client. */
        BODY,
        /** Sending a response made by the proxy. */
        LOCAL,
        /** Response sent, output shut; discarding input until EOF. */
        DRAIN
    }

    /** What {@link RequestPhase#WAIT} waits for; each has its own deadline in {@code waitDeadline}. */
    private enum WaitingFor {
        NONE,
        CONNECT,
        QUEUE,
        RETRY
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONNECTION_CLOSE = HttpHead.ascii("connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = HttpHead.ascii("connection: keep-alive\r\n");
    private static final byte[] CACHE_PRIVATE = HttpHead.ascii("cache-control: private\r\n");
    private static final long DRAIN_MILLIS = 1000;

    private final FrontendRuntime fe;
    private final SocketChannel client;
    private final SelectionKey clientKey;
    private int clientInterest;
    private final long timeoutClient;

    private ByteBuffer in;       // bytes from the client, read mode
    private ByteBuffer out;      // bytes from the server, read mode
    private ByteBuffer reqHead;  // rewritten request head (kept for a replay until the response starts)
    private ByteBuffer resHead;  // rewritten response head
    private ByteBuffer local;    // a response made by the proxy (error page, stats)

    private RequestPhase rq = RequestPhase.HEAD;
    private ResponsePhase rs = ResponsePhase.IDLE;
    private WaitingFor wait = WaitingFor.NONE;
    private long waitDeadline;
    private long clientDeadline;
    private long serverDeadline;
    private boolean clientEof;
    private boolean serverEof;
    private boolean clientWriteBlocked;
    private boolean serverWriteBlocked;
    // the last read from that side returned a whole normal buffer or more (a bulk transfer)
    private boolean clientBulk;
    private boolean serverBulk;
    private int headScan;

    // the current request
    private int reqMinor;
    private boolean reqKeepAlive;
    private boolean reqIsHead;
    private boolean reqReplayable;
    private boolean reqChunked;
    private long reqRemaining;
    private int reqScanned;
    private final ChunkedFraming reqChunks = new ChunkedFraming();
    private BackendRuntime be;
    private ServerRuntime srv;
    private ServerRuntime cookieServer;
    private boolean slotHeld;
    private long reqHash;
    private ServerConnection conn;
    private boolean connReused;
    private int retries;
    private ServerRuntime retryServer;
    private long timeoutServer;
    private long timeoutConnect;

    // the current response
    private boolean resStarted;
    private boolean interim;
    private boolean resChunked;
    private boolean resUntilClose;
    private long resRemaining;
    private int resScan;
    private int resScanned;
    private final ChunkedFraming resChunks = new ChunkedFraming();
    private boolean serverKeepAlive;
    private boolean closeAfter;
    private int status;
    private long bytesIn;
    private long bytesOut;

    private byte[] clientIp;
    private long sourceHash = Balancer.NO_HASH;

    // the access log (option httplog): the current request's moments, System.nanoTime()
    private final boolean logRequests;
    private long waitStartNs;
    private long waitStartWallMs;
    private long headNs;
    private long connectStartNs;
    private long connectedNs;
    private long responseHeadNs;
    /** The request line to log; null while no request is open (nothing to log at close). */
    private String logRequestLine;
    private boolean logRouted;
    private int logStatus;
    private AccessLog.Termination logTermination = AccessLog.Termination.NORMAL;

    HttpSession(EventLoop loop, FrontendRuntime fe, SocketChannel client) throws IOException {
        super(loop);
        this.fe = fe;
        this.client = client;
        this.timeoutClient = fe.config.timeouts().client();
        this.logRequests = fe.config.accessLog() == io.lifeline.proxy.config.AccessLogFormat.HTTP
                && AccessLog.LOG.isInfoEnabled();
        waitingForRequest();
        this.in = loop.takeBuffer();
        this.clientInterest = SelectionKey.OP_READ;
        this.clientKey = client.register(loop.selector, clientInterest, this);
        this.clientDeadline = deadline(timeoutClient);
        loop.register(this);
    }

    private long deadline(long timeout) {
        return timeout > 0 ? loop.now + timeout : 0;
    }

    // ---- events --------------------------------------------------------------------------

    @Override
    public void onReady(SelectionKey key, int ops) {
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            clientWriteBlocked = false;
        }
        if ((ops & SelectionKey.OP_READ) != 0) {
            readClient();
            if (closed) {
                return;
            }
        }
        advance();
    }

    @Override
    public void onServerReady(ServerConnection c, int ops) {
        if (c != conn) {
            c.close(); // a connection we no longer use
            return;
        }
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            try {
                c.finishConnect();
            } catch (IOException e) {
                connectFailed(describe(e));
                advance();
                return;
            }
            if (c.connected) {
                connected();
            }
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            serverWriteBlocked = false;
        }
        if ((ops & SelectionKey.OP_READ) != 0) {
            readServer();
        }
        advance();
    }

    @Override
    public void wake() {
        loop.execute(this::woken);
    }

    private void woken() {
        if (closed || wait != WaitingFor.QUEUE) {
            return;
        }
        wait = WaitingFor.NONE;
        assignServer(null, true);
        advance();
    }

    private void readClient() {
        int n;
        try {
            if (rs == ResponsePhase.DRAIN) {
                in.clear().limit(0);
            } else if (rq == RequestPhase.BODY && (reqChunked ? clientBulk : reqRemaining > EventLoop.BUFFER_SIZE)) {
                enlargeIn();
            }
            n = fill(client, in, true);
            clientBulk = n >= EventLoop.BUFFER_SIZE;
        } catch (IOException e) {
            close(); // reset by the client: nothing more can be delivered
            return;
        }
        if (n < 0) {
            clientEof = true;
            if (rs == ResponsePhase.DRAIN) {
                close();
            }
        } else if (n > 0) {
            bytesIn += n;
            clientDeadline = deadline(timeoutClient);
        }
    }

    private void readServer() {
        if (rs == ResponsePhase.BODY && !interim && (resChunked || resUntilClose ? serverBulk : resRemaining > EventLoop.BUFFER_SIZE)) {
            enlargeOut();
        }
        try {
            int n = fill(conn.channel, out, false);
            serverBulk = n >= EventLoop.BUFFER_SIZE;
            if (n < 0) {
                serverEof = true;
            } else if (n > 0) {
                serverDeadline = deadline(timeoutServer);
            }
        } catch (IOException e) {
            serverEof = true; // reset: handled like a close, with what was received so far
        }
    }

    /**
     * A body larger than a normal buffer streams through a large one (EventLoop.enlarge): the
     * swap happens only when the buffer is empty, so nothing is copied, and the offsets kept
     * into it restart at 0 as after a compaction.
     */
    @SuppressWarnings("ReferenceEquality") // did the loop hand out a new buffer?
    private void enlargeIn() {
        ByteBuffer b = loop.enlarge(in);
        if (b != in) {
            shift(true, in.position());
            in = b;
        }
    }

    @SuppressWarnings("ReferenceEquality") // did the loop hand out a new buffer?
    private void enlargeOut() {
        ByteBuffer b = loop.enlarge(out);
        if (b != out) {
            shift(false, out.position());
            out = b;
        }
    }

    /**
     * Reads into a read-mode buffer, compacting first when it is full at the end. Offsets kept
     * into the buffer are shifted along.
     */
    private int fill(SocketChannel ch, ByteBuffer b, boolean isIn) throws IOException {
        int pos = b.position();
        if (pos == b.limit() && pos != 0) {
            b.clear().limit(0);
            shift(isIn, pos);
        } else if (b.limit() == b.capacity()) {
            if (pos == 0) {
                return 0;
            }
            b.compact().flip();
            shift(isIn, pos);
        }
        pos = b.position();
        int lim = b.limit();
        b.position(lim).limit(b.capacity());
        int n;
        try {
            n = ch.read(b);
        } finally {
            b.limit(b.position()).position(pos);
        }
        return n;
    }

    private void shift(boolean isIn, int by) {
        if (isIn) {
            headScan = Math.max(0, headScan - by);
            reqScanned = Math.max(0, reqScanned - by);
        } else {
            resScan = Math.max(0, resScan - by);
            resScanned = Math.max(0, resScanned - by);
        }
    }

    // ---- the pump ------------------------------------------------------------------------

    private void advance() {
        for (int guard = 0; guard < 64 && !closed; guard++) {
            boolean progress = false;
            if (rq == RequestPhase.HEAD && rs == ResponsePhase.IDLE) {
                progress = startRequest();
            }
            if (!closed && rq == RequestPhase.BODY && conn != null && conn.connected) {
                progress |= sendToServer();
            }
            if (!closed && rs == ResponsePhase.HEAD) {
                progress |= readResponseHead();
            }
            if (!closed && (rs == ResponsePhase.BODY || rs == ResponsePhase.LOCAL)) {
                progress |= sendToClient();
            }
            if (!progress) {
                break;
            }
        }
        if (!closed) {
            updateInterest();
        }
    }

    private void updateInterest() {
        int ci = 0;
        if (!clientEof && (in.limit() < in.capacity() || in.position() > 0)) {
            ci = SelectionKey.OP_READ;
        }
        if (clientWriteBlocked) {
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
                si = 0;
                if ((rs == ResponsePhase.HEAD || rs == ResponsePhase.BODY) && !serverEof
                        && (out.limit() < out.capacity() || out.position() > 0)) {
                    si = SelectionKey.OP_READ;
                }
                if (serverWriteBlocked) {
                    si |= SelectionKey.OP_WRITE;
                }
            }
            conn.interest(si);
        }
    }

    // ---- request -------------------------------------------------------------------------

    private boolean startRequest() {
        if (in.remaining() == 0) {
            if (clientEof) {
                close();
            }
            return false;
        }
        int end = HttpHead.findHeadEnd(in, headScan);
        if (end < 0) {
            headScan = Math.max(in.position(), in.limit() - 2);
            if (in.remaining() >= EventLoop.BUFFER_SIZE) {
                fe.counters.ereq.increment();
                localResponse(ErrorPages.BAD_REQUEST); // head larger than a buffer, as HAProxy
            } else if (HttpHead.cannotStartRequest(in)) {
                // a TLS hello or binary bytes on a plain port: say so now, not after timeout http-request
                log.debug("{}: bad request from {}: not an HTTP request line", fe.name(), clientAddress());
                fe.counters.reqTot.increment();
                fe.counters.ereq.increment();
                localResponse(ErrorPages.BAD_REQUEST);
                return true;
            } else if (clientEof) {
                close();
            }
            return false;
        }
        if (end - in.position() > EventLoop.BUFFER_SIZE) {
            fe.counters.ereq.increment();
            localResponse(ErrorPages.BAD_REQUEST); // only possible in a large buffer kept for a pipelined request
            return true;
        }
        HttpHead h = loop.head;
        h.load(in, end - in.position());
        in.position(end);
        headScan = end;
        String problem = h.parseRequest();
        fe.counters.reqTot.increment();
        if (logRequests) {
            headNs = System.nanoTime();
            logRequestLine = problem != null ? "<BADREQ>" : new String(h.buf, h.methodStart,
                    h.startLineEnd - h.methodStart, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
        }
        if (problem != null) {
            log.debug("{}: bad request from {}: {}", fe.name(), clientAddress(), problem);
            fe.counters.ereq.increment();
            localResponse(ErrorPages.BAD_REQUEST);
            return true;
        }
        reqMinor = h.minorVersion;
        // Content-Length beside chunked: the body is framed by the chunks (the length is not
        // forwarded), and the connection closes after the response so that whatever a hop that
        // believed the length would read next is never taken as a request (RFC 9112 6.3)
        boolean ambiguousLength = h.chunked && h.contentLength >= 0;
        reqKeepAlive = h.isKeepAliveRequested() && !ambiguousLength && !loop.proxy.isStopping() && !fe.retired;
        reqIsHead = h.methodIs("HEAD");
        reqChunked = h.chunked;
        reqRemaining = h.chunked ? 0 : Math.max(0, h.contentLength);
        boolean hasBody = reqChunked || reqRemaining > 0;
        reqReplayable = !hasBody && h.isIdempotent();
        if (reqChunked) {
            reqChunks.reset();
            reqScanned = in.position();
        }
        resStarted = false;
        interim = false;
        serverEof = false;

        if (!route(h, hasBody)) {
            return true;
        }
        logRouted = true;
        timeoutServer = be.config.timeouts().server();
        timeoutConnect = be.config.timeouts().connect();
        cookieServer = be.cookieName == null ? null : findCookieServer(h);
        reqHash = requestHash(h);
        if (!buildRequestHead(h)) {
            fe.counters.ereq.increment();
            localResponse(ErrorPages.BAD_REQUEST);
            return true;
        }
        be.counters.lbtot.increment();
        rq = RequestPhase.WAIT;
        rs = ResponsePhase.HEAD;
        if (out == null) {
            out = loop.takeBuffer();
        }
        resScan = out.position();
        retries = 0;
        assignServer(null, false);
        return true;
    }

    /**
     * Chooses the request's backend ({@code use_backend} rules, then the default), or answers
     * the request here: a stats page of the frontend or of the chosen backend, or 503 when no
     * backend applies. False when it was answered here.
     */
    @SuppressWarnings("ReferenceEquality") // a listen section is its own backend: the same config object
    private boolean route(HttpHead h, boolean hasBody) {
        if (fe.stats != null && fe.stats.matches(fe.config.stats(), h)) {
            localStats(fe.config.stats(), h, hasBody);
            return false;
        }
        be = fe.route(h);
        if (be == null) {
            localResponse(ErrorPages.SERVICE_UNAVAILABLE);
            return false;
        }
        if (be.config != fe.config && fe.stats != null && fe.stats.matches(be.config.stats(), h)) {
            localStats(be.config.stats(), h, hasBody);
            return false;
        }
        return true;
    }

    private long requestHash(HttpHead h) {
        return switch (be.config.balance().algorithm()) {
            case SOURCE -> sourceHash();
            case URI -> MapBasedHash.hash(h.buf, h.pathStart(), h.pathEnd());
            case HDR -> {
                int i = h.findHeader(be.config.balance().header().getBytes(StandardCharsets.ISO_8859_1));
                yield i < 0 || h.valueEnd[i] == h.valueStart[i] ? Balancer.NO_HASH
                        : MapBasedHash.hash(h.buf, h.valueStart[i], h.valueEnd[i]);
            }
            default -> Balancer.NO_HASH;
        };
    }

    private long sourceHash() {
        if (sourceHash == Balancer.NO_HASH) {
            byte[] ip = clientIpBytes();
            sourceHash = MapBasedHash.hash(ip, 0, ip.length);
        }
        return sourceHash;
    }

    private byte[] clientIpBytes() {
        if (clientIp == null) {
            InetSocketAddress a = clientAddress();
            clientIp = (a == null ? "unknown" : a.getAddress().getHostAddress()).getBytes(StandardCharsets.ISO_8859_1);
        }
        return clientIp;
    }

    private InetSocketAddress clientAddress() {
        try {
            return (InetSocketAddress) client.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** The server named by the request's persistence cookie, or null. */
    private ServerRuntime findCookieServer(HttpHead h) {
        byte[] name = be.cookieName;
        for (int i = 0; i < h.headerCount; i++) {
            if (h.kind[i] != HttpHead.K_COOKIE) {
                continue;
            }
            int p = h.valueStart[i];
            int end = h.valueEnd[i];
            while (p < end) {
                int segEnd = p;
                while (segEnd < end && h.buf[segEnd] != ';') {
                    segEnd++;
                }
                int s = p;
                while (s < segEnd && h.buf[s] == ' ') {
                    s++;
                }
                if (segEnd - s > name.length && h.buf[s + name.length] == '=' && startsWith(h.buf, s, name)) {
                    int vs = s + name.length + 1;
                    int ve = segEnd;
                    while (ve > vs && h.buf[ve - 1] == ' ') {
                        ve--;
                    }
                    return be.serverForCookie(new String(h.buf, vs, ve - vs, StandardCharsets.ISO_8859_1));
                }
                p = segEnd + 1;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        for (int j = 0; j < prefix.length; j++) {
            if (b[at + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    /** Writes the head the server gets; false if it does not fit. */
    private boolean buildRequestHead(HttpHead h) {
        if (reqHead == null) {
            reqHead = loop.takeHeadBuffer();
        }
        ByteBuffer o = reqHead;
        o.clear();
        try {
            o.put(h.buf, h.methodStart, h.startLineEnd - h.methodStart);
            boolean stripCookie = be.cookieName != null && be.config.cookie().indirect();
            for (int i = 0; i < h.headerCount; i++) {
                switch (h.kind[i]) {
                    case HttpHead.K_CONNECTION, HttpHead.K_KEEP_ALIVE, HttpHead.K_PROXY_CONNECTION -> {
                        // hop-by-hop: the proxy manages each side's connection itself
                    }
                    case HttpHead.K_CONTENT_LENGTH -> {
                        if (!h.chunked) { // with chunked, a Content-Length must not pass (smuggling)
                            o.put(h.buf, h.lineStart[i], h.lineEnd[i] - h.lineStart[i]);
                        }
                    }
                    case HttpHead.K_COOKIE -> {
                        if (stripCookie) {
                            putCookieWithout(o, h, i, be.cookieName);
                        } else {
                            o.put(h.buf, h.lineStart[i], h.lineEnd[i] - h.lineStart[i]);
                        }
                    }
                    default -> o.put(h.buf, h.lineStart[i], h.lineEnd[i] - h.lineStart[i]);
                }
            }
            if (h.minorVersion == 0) {
                o.put(CONNECTION_KEEP_ALIVE); // keep the server side alive even for HTTP/1.0 clients
            }
            byte[] xff = be.forwardForName != null ? be.forwardForName : fe.forwardForName;
            if (xff != null) {
                o.put(xff).put((byte) ':').put((byte) ' ').put(clientIpBytes()).put(CRLF);
            }
            o.put(CRLF);
        } catch (java.nio.BufferOverflowException e) {
            return false;
        }
        o.flip();
        return true;
    }

    /** Copies a Cookie header without the persistence cookie; drops the line if nothing is left. */
    private static void putCookieWithout(ByteBuffer o, HttpHead h, int i, byte[] name) {
        int start = o.position();
        o.put(h.buf, h.nameStart[i], h.nameEnd[i] - h.nameStart[i]).put((byte) ':').put((byte) ' ');
        int valuesStart = o.position();
        int p = h.valueStart[i];
        int end = h.valueEnd[i];
        while (p < end) {
            int segEnd = p;
            while (segEnd < end && h.buf[segEnd] != ';') {
                segEnd++;
            }
            int s = p;
            while (s < segEnd && h.buf[s] == ' ') {
                s++;
            }
            boolean ours = segEnd - s > name.length && h.buf[s + name.length] == '=' && startsWith(h.buf, s, name);
            if (!ours && segEnd > s) {
                if (o.position() > valuesStart) {
                    o.put((byte) ';').put((byte) ' ');
                }
                o.put(h.buf, s, segEnd - s);
            }
            p = segEnd + 1;
        }
        if (o.position() == valuesStart) {
            o.position(start);
        } else {
            o.put(CRLF);
        }
    }

    /** Chooses a server (DispatchPolicy) and connects, queues or answers 503. */
    private void assignServer(ServerRuntime exclude, boolean fromQueue) {
        follow(DispatchPolicy.assign(be, reqHash, cookieServer, exclude, fromQueue), true);
    }

    private void follow(DispatchPolicy.Step step, boolean allowPooled) {
        switch (step.kind()) {
            case CONNECT -> {
                srv = step.server();
                slotHeld = true;
                connect(allowPooled);
            }
            case QUEUE -> enqueue();
            case UNAVAILABLE -> {
                be.counters.econ.increment();
                localResponse(ErrorPages.SERVICE_UNAVAILABLE);
            }
        }
    }

    private void enqueue() {
        rq = RequestPhase.WAIT;
        wait = WaitingFor.QUEUE;
        waitDeadline = deadline(DispatchPolicy.queueTimeoutMillis(be));
        be.enqueue(this);
    }

    private void connect(boolean allowPooled) {
        connectStartNs = logRequests ? System.nanoTime() : 0;
        ServerConnection c = allowPooled ? loop.takeIdle(srv) : null;
        if (c != null) {
            c.owner = this;
            c.uses++;
            conn = c;
            connReused = true;
            connected();
            return;
        }
        connReused = false;
        try {
            c = ServerConnection.open(loop, srv, this);
        } catch (IOException e) {
            connectFailed(describe(e));
            return;
        }
        c.uses = 1;
        conn = c;
        if (c.connected) {
            connected();
        } else {
            rq = RequestPhase.WAIT;
            wait = WaitingFor.CONNECT;
            waitDeadline = deadline(timeoutConnect);
        }
    }

    private void connected() {
        connectedNs = logRequests ? System.nanoTime() : 0;
        rq = RequestPhase.BODY;
        wait = WaitingFor.NONE;
        serverWriteBlocked = false;
        serverEof = false;
        serverDeadline = deadline(timeoutServer);
        if (out.remaining() == 0) {
            out.clear().limit(0);
            resScan = 0;
        }
    }

    /** A connection attempt failed: retry, possibly on another server, or answer 503. */
    private void connectFailed(String reason) {
        ServerRuntime failed = srv;
        if (conn != null) {
            conn.close();
            conn = null;
        }
        releaseSlot();
        retries++;
        switch (DispatchPolicy.connectFailed(be, failed, retries, cookieServer, reason)) {
            case GIVE_UP -> {
                log.debug("{}: giving up on {} after {} retries: {}", fe.name(), failed.qualifiedName(), retries - 1, reason);
                localResponse(ErrorPages.SERVICE_UNAVAILABLE);
            }
            case REDISPATCH -> {
                cookieServer = null; // redispatch breaks persistence
                assignServer(failed, true);
            }
            case RETRY_SAME_SERVER -> {
                retryServer = failed;
                rq = RequestPhase.WAIT;
                wait = WaitingFor.RETRY;
                waitDeadline = loop.now + DispatchPolicy.retryDelayMillis(timeoutConnect);
            }
        }
    }

    private void retryNow() {
        wait = WaitingFor.NONE;
        ServerRuntime s = retryServer;
        retryServer = null;
        DispatchPolicy.Step step = DispatchPolicy.retryDue(be, s, retries, cookieServer, reqHash);
        follow(step, step.server() != s); // a fresh connection to the server that failed
    }

    private void releaseSlot() {
        if (slotHeld) {
            slotHeld = false;
            srv.release();
        }
    }

    private boolean sendToServer() {
        if (serverWriteBlocked) {
            return false;
        }
        int start = in.position();
        int bodyEnd;
        if (reqChunked) {
            if (!reqChunks.isDone()) {
                reqScanned = reqChunks.scan(in, Math.max(reqScanned, start));
                if (reqChunks.isError()) {
                    fe.counters.ereq.increment();
                    if (resStarted) {
                        abort("bad chunked request body");
                        return false;
                    }
                    // nothing of the response has reached the client yet: tell it why, as HAProxy
                    log.debug("{}: bad request from {}: bad chunked request body", fe.name(), clientAddress());
                    localResponse(ErrorPages.BAD_REQUEST);
                    return true;
                }
            }
            bodyEnd = Math.max(start, reqScanned);
        } else {
            bodyEnd = start + (int) Math.min(reqRemaining, in.remaining());
        }
        boolean headPending = reqHead.hasRemaining();
        if (!headPending && bodyEnd == start) {
            return finishRequestIfComplete();
        }
        int savedLimit = in.limit();
        in.limit(bodyEnd);
        try {
            if (headPending && bodyEnd > start) {
                ByteBuffer[] g = loop.gather;
                g[0] = reqHead;
                g[1] = in;
                conn.channel.write(g);
            } else if (headPending) {
                conn.channel.write(reqHead);
            } else {
                conn.channel.write(in);
            }
        } catch (IOException e) {
            in.limit(savedLimit);
            serverEof = true; // the server went away; the response side decides (replay or 502)
            rq = RequestPhase.DONE;
            return true;
        }
        in.limit(savedLimit);
        int bodyWritten = in.position() - start;
        if (!reqChunked) {
            reqRemaining -= bodyWritten;
        }
        if (reqHead.hasRemaining() || in.position() < bodyEnd) {
            serverWriteBlocked = true;
        }
        finishRequestIfComplete();
        return true;
    }

    private boolean finishRequestIfComplete() {
        if (reqHead.hasRemaining()) {
            return false;
        }
        boolean complete = reqChunked ? reqChunks.isDone() && in.position() >= reqScanned : reqRemaining == 0;
        if (complete) {
            rq = RequestPhase.DONE;
            headScan = in.position();
            serverDeadline = deadline(timeoutServer);
            return true;
        }
        if (clientEof) {
            abort("client closed during the request body");
        }
        return false;
    }

    // ---- response ------------------------------------------------------------------------

    private boolean readResponseHead() {
        if (conn == null || !conn.connected) {
            return false;
        }
        if (out.remaining() == 0) {
            if (serverEof) {
                serverClosedBeforeResponse();
                return true;
            }
            return false;
        }
        int end = HttpHead.findHeadEnd(out, resScan);
        if (end < 0) {
            resScan = Math.max(out.position(), out.limit() - 2);
            if (out.remaining() >= EventLoop.BUFFER_SIZE) {
                badResponse("response head larger than " + EventLoop.BUFFER_SIZE + " bytes");
                return true;
            }
            if (serverEof) {
                badResponse("truncated response head");
                return true;
            }
            return false;
        }
        if (end - out.position() > EventLoop.BUFFER_SIZE) {
            badResponse("response head larger than " + EventLoop.BUFFER_SIZE + " bytes");
            return true;
        }
        HttpHead h = loop.head;
        h.load(out, end - out.position());
        out.position(end);
        resScan = end;
        String problem = h.parseResponse();
        if (problem != null) {
            badResponse(problem);
            return true;
        }
        status = h.status;
        if (logRequests && status >= 200) {
            responseHeadNs = System.nanoTime();
            logStatus = status;
        }
        if (status < 200) {
            if (status == 101) {
                badResponse("protocol upgrades (101) are not supported");
                return true;
            }
            // interim response (100 Continue, 103): forward as is, then wait for the final one
            resHead = resHead == null ? loop.takeHeadBuffer() : resHead;
            resHead.clear();
            resHead.put(h.buf, 0, h.length).flip();
            interim = true;
            resRemaining = 0;
            resChunked = false;
            resUntilClose = false;
            rs = ResponsePhase.BODY;
            return true;
        }
        resStarted = true;
        resChunked = false;
        resUntilClose = false;
        resRemaining = 0;
        if (!reqIsHead && status != 204 && status != 304) {
            if (h.chunked) {
                resChunked = true;
                resChunks.reset();
                resScanned = out.position();
            } else if (h.contentLength >= 0) {
                resRemaining = h.contentLength;
            } else {
                resUntilClose = true;
            }
        }
        serverKeepAlive = (h.minorVersion == 1 ? !h.connectionClose : h.connectionKeepAlive) && !resUntilClose;
        closeAfter = !reqKeepAlive || resUntilClose || clientEof || loop.proxy.isStopping() || fe.retired;
        if (!buildResponseHead(h)) {
            badResponse("response head too large after rewriting");
            return true;
        }
        fe.counters.response(status);
        be.counters.response(status);
        srv.counters.response(status);
        rs = ResponsePhase.BODY;
        return true;
    }

    private boolean buildResponseHead(HttpHead h) {
        if (resHead == null) {
            resHead = loop.takeHeadBuffer();
        }
        ByteBuffer o = resHead;
        o.clear();
        try {
            o.put(h.buf, 0, h.startLineEnd);
            for (int i = 0; i < h.headerCount; i++) {
                byte k = h.kind[i];
                if (k != HttpHead.K_CONNECTION && k != HttpHead.K_KEEP_ALIVE && k != HttpHead.K_PROXY_CONNECTION) {
                    o.put(h.buf, h.lineStart[i], h.lineEnd[i] - h.lineStart[i]);
                }
            }
            if (srv.setCookieLine != null && !(be.config.cookie().indirect() && cookieServer == srv)) {
                o.put(srv.setCookieLine);
                if (be.config.cookie().nocache()) {
                    o.put(CACHE_PRIVATE);
                }
            }
            if (closeAfter) {
                o.put(CONNECTION_CLOSE);
            } else if (reqMinor == 0) {
                o.put(CONNECTION_KEEP_ALIVE);
            }
            o.put(CRLF);
        } catch (java.nio.BufferOverflowException e) {
            return false;
        }
        o.flip();
        return true;
    }

    /** The server closed (or reset) the connection before sending any response byte. */
    private void serverClosedBeforeResponse() {
        if (reqReplayable && !resStarted && reqHead != null) {
            reqHead.position(0);
            serverEof = false;
            serverWriteBlocked = false;
            out.clear().limit(0);
            resScan = 0;
            if (connReused) {
                // a keep-alive connection the server had already closed: replay on a fresh one
                log.debug("{}: reused connection to {} closed before responding; replaying", fe.name(), srv.qualifiedName());
                conn.close();
                conn = null;
                rq = RequestPhase.WAIT;
                connect(false);
            } else {
                // a fresh connection closed without a byte (server dying or restarting): nothing
                // was processed that a client could see, so an idempotent request is retried
                // like a failed connect (same retries and redispatch rules)
                connectFailed("closed the connection without responding");
            }
            return;
        }
        badResponse("server closed the connection without responding");
    }

    private void badResponse(String reason) {
        log.debug("{}: bad response from {}: {}", fe.name(), srv == null ? "?" : srv.qualifiedName(), reason);
        if (srv != null) {
            srv.counters.eresp.increment();
        }
        be.counters.eresp.increment();
        if (resStarted) {
            abort(reason);
        } else {
            localResponse(ErrorPages.BAD_GATEWAY);
        }
    }

    private boolean sendToClient() {
        if (clientWriteBlocked) {
            return false;
        }
        if (rs == ResponsePhase.LOCAL) {
            try {
                bytesOut += client.write(local);
            } catch (IOException e) {
                close();
                return false;
            }
            if (local.hasRemaining()) {
                clientWriteBlocked = true;
                return false;
            }
            local = null;
            exchangeDone();
            return true;
        }
        int start = out.position();
        int bodyEnd;
        if (resUntilClose) {
            bodyEnd = out.limit();
        } else if (resChunked) {
            if (!resChunks.isDone()) {
                resScanned = resChunks.scan(out, Math.max(resScanned, start));
                if (resChunks.isError()) {
                    badResponse("bad chunked response body");
                    return false;
                }
            }
            bodyEnd = Math.max(start, resScanned);
        } else {
            bodyEnd = start + (int) Math.min(resRemaining, out.remaining());
        }
        boolean headPending = resHead.hasRemaining();
        if (headPending || bodyEnd > start) {
            int savedLimit = out.limit();
            out.limit(bodyEnd);
            long n;
            try {
                if (headPending && bodyEnd > start) {
                    ByteBuffer[] g = loop.gather;
                    g[0] = resHead;
                    g[1] = out;
                    n = client.write(g);
                } else if (headPending) {
                    n = client.write(resHead);
                } else {
                    n = client.write(out);
                }
            } catch (IOException e) {
                out.limit(savedLimit);
                close(); // the client went away
                return false;
            }
            out.limit(savedLimit);
            bytesOut += n;
            if (n > 0) {
                clientDeadline = deadline(timeoutClient);
            }
            if (!resChunked && !resUntilClose) {
                resRemaining -= out.position() - start;
            }
            if (resHead.hasRemaining() || out.position() < bodyEnd) {
                clientWriteBlocked = true;
                return n > 0;
            }
        }
        boolean complete;
        if (resUntilClose) {
            complete = serverEof && out.remaining() == 0;
        } else if (resChunked) {
            complete = resChunks.isDone() && out.position() >= resScanned;
        } else {
            complete = resRemaining == 0;
        }
        if (!complete) {
            if (serverEof && out.remaining() == 0) {
                if (srv != null) {
                    srv.counters.eresp.increment();
                }
                abort("server closed in the middle of the response");
            }
            return bodyEnd > start || headPending;
        }
        if (interim) {
            interim = false;
            rs = ResponsePhase.HEAD;
            return true;
        }
        exchangeDone();
        return true;
    }

    /** The response is fully sent: recycle the server connection and get ready for the next request. */
    private void exchangeDone() {
        logRequest(bytesOut);
        if (conn != null) {
            boolean reuse = serverKeepAlive && rq == RequestPhase.DONE && !serverEof && out.remaining() == 0 && rs == ResponsePhase.BODY;
            if (reuse) {
                conn.release();
            } else {
                conn.close();
                // bytes the server sent beyond its response belong to the closed connection;
                // kept, they would be read as the next response, from whatever server
                out.clear().limit(0);
            }
            conn = null;
        }
        releaseSlot();
        if (srv != null) {
            srv.counters.bin.add(bytesIn);
            srv.counters.bout.add(bytesOut);
        }
        if (be != null) {
            be.counters.bin.add(bytesIn);
            be.counters.bout.add(bytesOut);
        }
        fe.counters.bin.add(bytesIn);
        fe.counters.bout.add(bytesOut);
        bytesIn = 0;
        bytesOut = 0;
        waitingForRequest();
        if (closeAfter || rq != RequestPhase.DONE || clientEof) {
            closeGracefully();
            return;
        }
        rq = RequestPhase.HEAD;
        rs = ResponsePhase.IDLE;
        srv = null;
        be = null;
        cookieServer = null;
        serverEof = false;
        clientDeadline = deadline(timeoutClient);
        if (out != null && out.remaining() == 0) {
            out.clear().limit(0);
            out = loop.shrink(out);
        }
        in = loop.shrink(in); // only when empty; a large buffer holding pipelined bytes stays
        headScan = in.position();
        clientBulk = false;
        serverBulk = false;
        if (in.remaining() == 0) {
            // nothing pipelined: give back what an idle keep-alive connection does not need
            loop.giveBuffer(out);
            out = null;
            loop.giveHeadBuffer(reqHead);
            reqHead = null;
            loop.giveHeadBuffer(resHead);
            resHead = null;
        }
    }

    // ---- local responses, stats, closing --------------------------------------------------

    private void localResponse(byte[] page) {
        local = ErrorPages.buffer(page);
        int code = ErrorPages.status(page);
        logStatus = code;
        logTermination = AccessLog.Termination.PROXY_ERROR;
        fe.counters.response(code);
        if (be != null) {
            be.counters.response(code);
        }
        startLocal(true);
    }

    private void localStats(io.lifeline.proxy.config.StatsConfig cfg, HttpHead h, boolean hasBody) {
        StatsService.Response r = fe.stats.respond(cfg, h, reqMinor, !hasBody && reqKeepAlive);
        local = ByteBuffer.wrap(r.bytes());
        fe.counters.response(r.status());
        logStatus = r.status();
        logTermination = AccessLog.Termination.LOCAL;
        startLocal(!r.keepAlive());
    }

    private void startLocal(boolean close) {
        if (conn != null) {
            conn.close();
            conn = null;
        }
        if (wait == WaitingFor.QUEUE) {
            be.dequeue(this);
        }
        wait = WaitingFor.NONE;
        releaseSlot();
        closeAfter = close;
        rq = RequestPhase.DONE;
        rs = ResponsePhase.LOCAL;
    }

    /** Ends the exchange: stop sending, let the client read what was sent, then close. */
    private void closeGracefully() {
        if (in.remaining() == 0 && clientEof) {
            close();
            return;
        }
        try {
            client.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        // discard anything the client still sends, so that closing does not reset the connection
        // (which could destroy the response before the client reads it)
        rs = ResponsePhase.DRAIN;
        rq = RequestPhase.DONE;
        in.clear().limit(0);
        waitDeadline = loop.now + DRAIN_MILLIS;
        if (clientEof) {
            close();
        }
    }

    private void abort(String reason) {
        log.debug("{}: aborting connection from {}: {}", fe.name(), clientAddress(), reason);
        close();
    }

    @Override
    void checkTimeouts(long now) {
        if (closed) {
            return;
        }
        if (rs == ResponsePhase.DRAIN) {
            if (now >= waitDeadline) {
                close();
            }
            return;
        }
        if (wait != WaitingFor.NONE && waitDeadline > 0 && now >= waitDeadline) {
            switch (wait) {
                case CONNECT -> connectFailed("connection timeout");
                case QUEUE -> {
                    if (be.dequeue(this)) {
                        wait = WaitingFor.NONE;
                        be.counters.econ.increment();
                        localResponse(ErrorPages.SERVICE_UNAVAILABLE);
                    }
                }
                case RETRY -> retryNow();
                case NONE -> {
                    // excluded above
                }
            }
            advance();
            return;
        }
        boolean waitingOnServer = (rs == ResponsePhase.HEAD && rq == RequestPhase.DONE || rs == ResponsePhase.BODY && !clientWriteBlocked) && conn != null;
        if (waitingOnServer && serverDeadline > 0 && now >= serverDeadline) {
            if (rs == ResponsePhase.HEAD && !resStarted) {
                srv.counters.eresp.increment();
                log.debug("{}: {} did not respond in time", fe.name(), srv.qualifiedName());
                localResponse(ErrorPages.GATEWAY_TIMEOUT);
                advance();
            } else {
                abort("server timeout during the response");
            }
            return;
        }
        boolean waitingOnClient = rq == RequestPhase.HEAD && rs == ResponsePhase.IDLE || rq == RequestPhase.BODY || clientWriteBlocked;
        if (waitingOnClient && clientDeadline > 0 && now >= clientDeadline) {
            if (rq == RequestPhase.HEAD && rs == ResponsePhase.IDLE && in.remaining() > 0) {
                fe.counters.ereq.increment();
                localResponse(ErrorPages.REQUEST_TIMEOUT);
                advance();
            } else {
                close(); // idle keep-alive connection, or a stalled client
            }
        }
    }

    @Override
    boolean isIdle() {
        return rq == RequestPhase.HEAD && rs == ResponsePhase.IDLE && in.remaining() == 0;
    }

    /** The moment this connection starts waiting for its next request (HAProxy's accept date). */
    private void waitingForRequest() {
        if (logRequests) {
            waitStartNs = System.nanoTime();
            waitStartWallMs = System.currentTimeMillis();
            headNs = connectStartNs = connectedNs = responseHeadNs = 0;
            logStatus = -1;
            logRequestLine = null;
            logRouted = false;
            logTermination = AccessLog.Termination.NORMAL;
        }
    }

    /** Writes the open request's access log line (option httplog), once. */
    private void logRequest(long bytes) {
        if (!logRequests || logRequestLine == null) {
            return;
        }
        long end = System.nanoTime();
        long tr = headNs == 0 ? -1 : ms(headNs - waitStartNs);
        long tw = connectStartNs == 0 || headNs == 0 ? -1 : ms(connectStartNs - headNs);
        long tc = connectedNs == 0 || connectStartNs == 0 ? -1 : ms(connectedNs - connectStartNs);
        long tResp = responseHeadNs == 0 || connectedNs == 0 ? -1 : ms(responseHeadNs - connectedNs);
        // as HAProxy: the frontend's name when no backend was chosen, <STATS> for the stats page,
        // <NOSRV> when no server was tried
        boolean routed = logRouted && be != null;
        String server = logTermination == AccessLog.Termination.LOCAL ? "<STATS>"
                : routed && srv != null && connectStartNs != 0 ? srv.name() : null;
        AccessLog.LOG.info(AccessLog.http(clientAddress(), waitStartWallMs, fe.name(), routed ? be.name() : fe.name(),
                server, tr, tw, tc, tResp, ms(end - waitStartNs), logStatus, bytes, logTermination,
                fe.counters.scur.get(), routed ? be.counters.scur.get() : 0,
                routed && srv != null ? srv.counters.scur.get() : 0, routed ? retries : 0, logRequestLine));
        logRequestLine = null;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000L;
    }

    @Override
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (logRequestLine != null) { // a request was open: the client or the server went away, or a timeout
            logTermination = clientEof ? AccessLog.Termination.CLIENT_ABORT : AccessLog.Termination.SERVER_ABORT;
            logRequest(bytesOut);
        }
        if (wait == WaitingFor.QUEUE && be != null) {
            be.dequeue(this);
        }
        if (conn != null) {
            conn.close();
            conn = null;
        }
        releaseSlot();
        clientKey.cancel();
        try {
            client.close();
        } catch (IOException e) {
            log.debug("closing client connection: {}", e.toString());
        }
        loop.unregister(this);
        loop.giveBuffer(in);
        loop.giveBuffer(out);
        loop.giveHeadBuffer(reqHead);
        loop.giveHeadBuffer(resHead);
        in = null;
        out = null;
        reqHead = null;
        resHead = null;
        fe.counters.sessionEnded();
        loop.proxy.connectionClosed(loop);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        return m.toLowerCase(java.util.Locale.ROOT);
    }
}
