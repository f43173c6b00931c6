package io.lifeline.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * The control socket's wire format: one JSON object per line in each direction.
 *
 * <pre>
 * request:  {"v":1, "command":"status", "args":{...}}        ("v" and "args" optional)
 * success:  {"v":1, "ok":true,  "result":{...}}
 * failure:  {"v":1, "ok":false, "error":{"code":"unknown_command", "message":"..."}}
 * </pre>
 * New commands (takeover, standby, failover, cleanup, maintenance, ...) only add command names
 * and their {@code args}/{@code result} objects; clients ignore fields they do not know. A
 * streaming command (e.g. {@code events}) answers with several lines carrying
 * {@code "stream":true} and ends with one carrying {@code "end":true}. A connection may carry
 * several requests, answered in order.
 */
public final class ControlProtocol {

    public static final int VERSION = 1;
    public static final Path DEFAULT_SOCKET = Path.of("/run/lifeline/hactl.sock");
    /** Longest request line accepted, in bytes. */
    public static final int MAX_LINE = 64 * 1024;

    private ControlProtocol() {
    }

    /**
     * The daemon's JSON mapper, created on first use: hactl's quick commands touch this class
     * (DEFAULT_SOCKET) but never Jackson (JsonValue), and building a mapper costs them a third
     * of their start-up.
     */
    public static ObjectMapper json() {
        return Mapper.JSON;
    }

    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    static ObjectNode success(Object result) {
        ObjectNode n = json().createObjectNode();
        n.put("v", VERSION);
        n.put("ok", true);
        n.set("result", json().valueToTree(result));
        return n;
    }

    static ObjectNode failure(String code, String message) {
        ObjectNode n = json().createObjectNode();
        n.put("v", VERSION);
        n.put("ok", false);
        ObjectNode e = n.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return n;
    }
}
