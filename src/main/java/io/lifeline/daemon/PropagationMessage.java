package io.lifeline.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeline.control.ControlProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The messages of {@code hactl propagate} between daemons (docs/propagate.md), sent as cluster
 * payloads (authenticated like every datagram) but told apart from state reports by their first
 * bytes, {@code LLP1}, followed by a JSON object:
 * <pre>{"t":"chunk","id":ID,"from":NODE,"i":INDEX,"n":COUNT,"data":BASE64}
 * {"t":"result","id":ID,"from":NODE,"to":NODE,"applied":BOOL,"message":TEXT,"problems":[TEXT..]}</pre>
 * The files travel as one bundle ({"ha.cf":BASE64,"haresources":BASE64,"authkeys":BASE64}) cut
 * into chunks of {@value #CHUNK_BYTES} bytes, so each message stays well below JGroups' fragment
 * size (FRAG2, 60 KB) and a bundle of configuration files costs a handful of messages.
 */
final class PropagationMessage {

    /** Bytes of the bundle per chunk (about 22 KiB once in base64). */
    static final int CHUNK_BYTES = 16 * 1024;
    /** The largest bundle a node sends or accepts; configuration files are a few KiB. */
    static final int MAX_BUNDLE_BYTES = 1024 * 1024;
    static final int MAX_CHUNKS = (MAX_BUNDLE_BYTES + CHUNK_BYTES - 1) / CHUNK_BYTES;
    /** The files a propagation carries, in ha.d. */
    static final List<String> FILES = List.of("ha.cf", "haresources", "authkeys");

    private static final byte[] MAGIC = {'L', 'L', 'P', '1'};

    /** A piece of a bundle. */
    // a piece of a file bundle, decoded from and encoded to the wire; never compared or hashed
    @SuppressWarnings("ArrayRecordComponent")
    record Chunk(String id, String from, int index, int count, byte[] data) {
    }

    /** A receiver's answer to {@code to}'s propagation {@code id}. */
    record Result(String id, String from, String to, boolean applied, String message, List<String> problems) {
        Result {
            problems = List.copyOf(problems);
        }
    }

    /** A message that is not a well-formed propagation message; the text says why. */
    static final class BadMessage extends Exception {
        BadMessage(String message) {
            super(message);
        }
    }

    private PropagationMessage() {
    }

    /** True for a payload of this protocol (a state report starts with '{'). */
    static boolean isPropagation(byte[] payload) {
        return payload.length >= MAGIC.length && Arrays.equals(payload, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static byte[] bundle(Map<String, byte[]> files) {
        ObjectNode o = ControlProtocol.json().createObjectNode();
        files.forEach((name, bytes) -> o.put(name, Base64.getEncoder().encodeToString(bytes)));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, byte[]> unbundle(byte[] bundle) throws BadMessage {
        JsonNode o = parse(bundle, "bundle");
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : FILES) {
            JsonNode v = o.path(name);
            if (!v.isTextual()) {
                throw new BadMessage("the bundle has no " + name);
            }
            try {
                files.put(name, Base64.getDecoder().decode(v.asText()));
            } catch (IllegalArgumentException e) {
                throw new BadMessage(name + " in the bundle is not base64");
            }
        }
        return files;
    }

    /** The chunks of {@code bundle}, each one message. */
    static List<byte[]> chunks(String id, String from, byte[] bundle) {
        int count = Math.max(1, (bundle.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode o = ControlProtocol.json().createObjectNode();
            o.put("t", "chunk").put("id", id).put("from", from).put("i", i).put("n", count);
            int start = i * CHUNK_BYTES;
            o.put("data", Base64.getEncoder().encodeToString(
                    Arrays.copyOfRange(bundle, start, Math.min(bundle.length, start + CHUNK_BYTES))));
            out.add(frame(o));
        }
        return out;
    }

    static byte[] result(Result r) {
        ObjectNode o = ControlProtocol.json().createObjectNode();
        o.put("t", "result").put("id", r.id()).put("from", r.from()).put("to", r.to()).put("applied", r.applied())
                .put("message", r.message());
        r.problems().forEach(o.putArray("problems")::add);
        return frame(o);
    }

    /** A chunk or a result; empty for a type this version does not know (a newer node's). */
    static Optional<Object> decode(byte[] payload) throws BadMessage {
        JsonNode o = parse(Arrays.copyOfRange(payload, MAGIC.length, payload.length), "message");
        String id = text(o, "id");
        String from = text(o, "from");
        switch (o.path("t").asText()) {
            case "chunk" -> {
                int index = o.path("i").asInt(-1);
                int count = o.path("n").asInt(-1);
                if (count < 1 || count > MAX_CHUNKS || index < 0 || index >= count) {
                    throw new BadMessage("chunk " + index + " of " + count + " is out of range (at most " + MAX_CHUNKS
                            + " chunks)");
                }
                byte[] data;
                try {
                    data = Base64.getDecoder().decode(text(o, "data"));
                } catch (IllegalArgumentException e) {
                    throw new BadMessage("chunk data is not base64");
                }
                // bounds what a transfer can buffer before it is complete: MAX_CHUNKS x CHUNK_BYTES
                if (data.length > CHUNK_BYTES) {
                    throw new BadMessage("chunk " + index + " holds " + data.length + " bytes (at most " + CHUNK_BYTES + ")");
                }
                return Optional.of(new Chunk(id, from, index, count, data));
            }
            case "result" -> {
                List<String> problems = new ArrayList<>();
                o.path("problems").forEach(p -> problems.add(p.asText()));
                return Optional.of(new Result(id, from, text(o, "to"), o.path("applied").asBoolean(false),
                        text(o, "message"), problems));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static byte[] frame(ObjectNode o) {
        byte[] body = o.toString().getBytes(StandardCharsets.UTF_8);
        byte[] b = Arrays.copyOf(MAGIC, MAGIC.length + body.length);
        System.arraycopy(body, 0, b, MAGIC.length, body.length);
        return b;
    }

    private static JsonNode parse(byte[] json, String what) throws BadMessage {
        try {
            JsonNode o = ControlProtocol.json().readTree(json);
            if (o == null || !o.isObject()) {
                throw new BadMessage("the " + what + " is not a JSON object");
            }
            return o;
        } catch (IOException e) {
            throw new BadMessage("the " + what + " is not readable JSON");
        }
    }

    private static String text(JsonNode o, String field) throws BadMessage {
        JsonNode v = o.path(field);
        if (!v.isTextual()) {
            throw new BadMessage("no " + field);
        }
        return v.asText();
    }
}
