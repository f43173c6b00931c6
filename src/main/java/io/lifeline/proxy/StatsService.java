package io.lifeline.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeline.proxy.config.StatsConfig;
import io.lifeline.proxy.http.HttpHead;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics page, as HAProxy's: HTML at the stats URI, CSV at {@code URI;csv} with
 * HAProxy's column names (the first 49 columns, in HAProxy's order), and JSON at
 * {@code URI;json} (one object per row, keyed by the same column names). Protected by HTTP
 * Basic authentication when {@code stats auth} is set.
 */
final class StatsService {

    /** HAProxy's CSV columns up to req_tot, in its order. */
    static final List<String> COLUMNS = List.of("pxname", "svname", "qcur", "qmax", "scur", "smax", "slim",
            "stot", "bin", "bout", "dreq", "dresp", "ereq", "econ", "eresp", "wretr", "wredis", "status", "weight",
            "act", "bck", "chkfail", "chkdown", "lastchg", "downtime", "qlimit", "pid", "iid", "sid", "throttle",
            "lbtot", "tracked", "type", "rate", "rate_lim", "rate_max", "check_status", "check_code",
            "check_duration", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "hanafail",
            "req_rate", "req_rate_max", "req_tot");

    private static final ObjectMapper JSON = new ObjectMapper();

    // the bytes written to the socket as they are; a response is sent, never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    record Response(byte[] bytes, int status, boolean keepAlive) {
    }

    private final ProxyServer proxy;

    StatsService(ProxyServer proxy) {
        this.proxy = proxy;
    }

    boolean matches(StatsConfig cfg, HttpHead h) {
        if (!cfg.enabled()) {
            return false;
        }
        String uri = cfg.uri();
        int start = h.pathStart();
        if (h.uriEnd - start < uri.length()) {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            if (h.buf[start + i] != uri.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    Response respond(StatsConfig cfg, HttpHead h, int minor, boolean keepAlive) {
        if (!cfg.credentials().isEmpty() && !authorized(cfg, h)) {
            String body = "<html><body><h1>401 Unauthorized</h1>\n"
                    + "You need a valid user and password to access this content.\n</body></html>\n";
            String head = "HTTP/1.1 401 Unauthorized\r\ncontent-length: " + body.length()
                    + "\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n"
                    + "www-authenticate: Basic realm=\"" + cfg.realm().replace("\"", "") + "\"\r\n\r\n";
            return new Response((head + body).getBytes(StandardCharsets.ISO_8859_1), 401, false);
        }
        String rest = h.string(h.pathStart() + cfg.uri().length(), h.uriEnd);
        String type;
        String body;
        List<Map<String, Object>> rows = rows();
        if (rest.contains(";csv")) {
            type = "text/plain";
            body = csv(rows);
        } else if (rest.contains(";json")) {
            type = "application/json";
            try {
                body = JSON.writeValueAsString(rows);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stats rows are plain values", e);
            }
        } else {
            type = "text/html";
            body = html(rows, rest.contains(";norefresh") ? 0 : cfg.refreshMillis());
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1." + minor + " 200 OK\r\ncontent-length: " + b.length + "\r\ncache-control: no-cache\r\n"
                + "content-type: " + type + "\r\n"
                + (keepAlive ? (minor == 0 ? "connection: keep-alive\r\n" : "") : "connection: close\r\n") + "\r\n";
        byte[] hb = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[hb.length + b.length];
        System.arraycopy(hb, 0, all, 0, hb.length);
        System.arraycopy(b, 0, all, hb.length, b.length);
        return new Response(all, 200, keepAlive);
    }

    private static boolean authorized(StatsConfig cfg, HttpHead h) {
        int i = h.findHeader(HttpHead.ascii("authorization"));
        if (i < 0) {
            return false;
        }
        String value = h.string(h.valueStart[i], h.valueEnd[i]);
        if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(value.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = false;
        for (String cred : cfg.credentials()) {
            // constant-time comparison: the response time must not reveal a password prefix
            ok |= MessageDigest.isEqual(given, cred.getBytes(StandardCharsets.UTF_8));
        }
        return ok;
    }

    /** One row per frontend, server and backend, with HAProxy's column names. */
    List<Map<String, Object>> rows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        ProxyServer.Model m = proxy.model();
        int iid = 0;
        for (Object px : m.sectionsInOrder()) {
            iid++;
            if (px instanceof FrontendRuntime fe) {
                Map<String, Object> r = base(fe.name(), "FRONTEND", fe.counters, 0, iid, 0);
                r.put("slim", fe.config.maxconn() > 0 ? fe.config.maxconn() : m.maxconn());
                r.put("status", proxy.isStopping() ? "STOP" : "OPEN");
                r.put("req_tot", fe.counters.reqTot.sum());
                r.put("lbtot", "");
                rows.add(r);
            } else if (px instanceof BackendRuntime be) {
                int sid = 0;
                int act = 0;
                int bck = 0;
                int weight = 0;
                for (ServerRuntime s : be.servers) {
                    sid++;
                    Map<String, Object> r = base(be.name(), s.name(), s.counters, 2, iid, sid);
                    r.put("qcur", 0);
                    r.put("qmax", 0);
                    r.put("slim", s.config.maxconn() > 0 ? s.config.maxconn() : "");
                    r.put("status", s.statusText());
                    r.put("weight", s.weight());
                    r.put("act", s.config.backup() ? 0 : 1);
                    r.put("bck", s.config.backup() ? 1 : 0);
                    r.put("chkfail", s.config.check() ? s.checkFailures.sum() : "");
                    r.put("chkdown", s.config.check() ? s.downTransitions.sum() : "");
                    r.put("lastchg", (System.currentTimeMillis() - s.lastChangeMillis()) / 1000);
                    r.put("downtime", s.config.check() ? s.downtimeMillis() / 1000 : "");
                    r.put("check_status", s.config.check() ? s.checkStatus : "");
                    r.put("check_code", s.config.check() && s.checkCode > 0 ? s.checkCode : "");
                    r.put("check_duration", s.config.check() && s.checkDurationMillis >= 0 ? s.checkDurationMillis : "");
                    rows.add(r);
                    if (s.isUsable()) {
                        if (s.config.backup()) {
                            bck++;
                        } else {
                            act++;
                        }
                        weight += s.weight();
                    }
                }
                Map<String, Object> r = base(be.name(), "BACKEND", be.counters, 1, iid, 0);
                r.put("qcur", be.queued.get());
                r.put("qmax", be.queueMax.get());
                r.put("scur", be.servers.stream().mapToInt(ServerRuntime::activeRequests).sum());
                r.put("status", be.hasUsableServer() ? "UP" : "DOWN");
                r.put("weight", weight);
                r.put("act", act);
                r.put("bck", bck);
                rows.add(r);
            }
        }
        return rows;
    }

    private static Map<String, Object> base(String px, String sv, Counters c, int type, int iid, int sid) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (String col : COLUMNS) {
            r.put(col, "");
        }
        r.put("pxname", px);
        r.put("svname", sv);
        r.put("scur", c.scur.get());
        r.put("smax", c.smax.get());
        r.put("stot", c.stot.sum());
        r.put("bin", c.bin.sum());
        r.put("bout", c.bout.sum());
        r.put("ereq", type == 0 ? c.ereq.sum() : "");
        r.put("econ", type == 0 ? "" : c.econ.sum());
        r.put("eresp", type == 0 ? "" : c.eresp.sum());
        r.put("wretr", type == 0 ? "" : c.wretr.sum());
        r.put("wredis", type == 0 ? "" : c.wredis.sum());
        r.put("pid", 1);
        r.put("iid", iid);
        r.put("sid", sid);
        r.put("lbtot", type == 0 ? "" : c.lbtot.sum());
        r.put("type", type);
        String[] cls = {"hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other"};
        for (int i = 0; i < cls.length; i++) {
            r.put(cls[i], c.hrsp[i].sum());
        }
        return r;
    }

    static String csv(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder("# ").append(String.join(",", COLUMNS)).append(",\n");
        for (Map<String, Object> r : rows) {
            for (String col : COLUMNS) {
                sb.append(String.valueOf(r.get(col)).replace(',', ' ')).append(',');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String html(List<Map<String, Object>> rows, long refreshMillis) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Statistics Report</title>\n");
        if (refreshMillis > 0) {
            sb.append("<meta http-equiv=\"refresh\" content=\"").append(Math.max(1, refreshMillis / 1000)).append("\">\n");
        }
        sb.append("<style>body{font-family:sans-serif;font-size:12px}table{border-collapse:collapse;margin-bottom:1em}"
                + "th,td{border:1px solid #999;padding:2px 6px;text-align:right}td.n{text-align:left}"
                + "th.px{background:#20a0ff;color:#fff;text-align:left}tr.up td{background:#c0ffc0}"
                + "tr.down td{background:#ff9090}tr.sum td{background:#e0e0e0;font-weight:bold}</style>\n");
        sb.append("</head><body><h1>Lifeline proxy statistics</h1>\n");
        String[] cols = {"svname", "qcur", "qmax", "scur", "smax", "slim", "stot", "bin", "bout", "ereq", "econ",
                "eresp", "wretr", "wredis", "status", "lastchg", "weight", "act", "bck", "chkfail", "chkdown",
                "downtime", "check_status", "hrsp_2xx", "hrsp_5xx"};
        String current = null;
        for (Map<String, Object> r : rows) {
            String px = String.valueOf(r.get("pxname"));
            if (!px.equals(current)) {
                if (current != null) {
                    sb.append("</table>\n");
                }
                current = px;
                sb.append("<table><tr><th class=\"px\" colspan=\"").append(cols.length).append("\">")
                        .append(escape(px)).append("</th></tr><tr>");
                for (String c : cols) {
                    sb.append("<th>").append(c).append("</th>");
                }
                sb.append("</tr>\n");
            }
            String status = String.valueOf(r.get("status"));
            String sv = String.valueOf(r.get("svname"));
            String cls = sv.equals("FRONTEND") || sv.equals("BACKEND") ? "sum"
                    : status.startsWith("UP") || status.equals("no check") ? "up" : "down";
            sb.append("<tr class=\"").append(cls).append("\">");
            for (String c : cols) {
                sb.append(c.equals("svname") ? "<td class=\"n\">" : "<td>").append(escape(String.valueOf(r.get(c))))
                        .append("</td>");
            }
            sb.append("</tr>\n");
        }
        if (current != null) {
            sb.append("</table>\n");
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
