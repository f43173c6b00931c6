package io.lifeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonValueTest {

    /** Something shaped like the daemon's answers: nesting, arrays of objects, every scalar kind. */
    private static ObjectNode sample() {
        ObjectNode o = ControlProtocol.json().createObjectNode();
        o.put("node", "n1").put("pid", 4242).put("uptime_ms", 65_000_123_456L).put("ratio", 0.25)
                .put("quorate", true).put("maintenance", false).putNull("last_stall")
                .put("text", "quote \" backslash \\ tab \t newline \n control \u0001 unicode \u00e9\u20ac");
        o.putObject("timers").put("keepalive_ms", 50).put("deadtime_ms", 250);
        o.putArray("empty_array");
        o.putObject("empty_object");
        var nodes = o.putArray("nodes");
        nodes.addObject().put("name", "n1").putArray("links");
        nodes.addObject().put("name", "n2").putArray("links").addObject().put("link", "bcast:eth0").putNull("x");
        o.putArray("members").add("n1").add("n2");
        return o;
    }

    @Test
    void readsWhatJacksonWritesAndAnswersLikeJsonNode() throws Exception {
        ObjectNode j = sample();
        JsonValue v = JsonValue.parse(ControlProtocol.json().writeValueAsString(j));
        assertEquals("n1", v.path("node").asText());
        assertEquals(4242, v.path("pid").asInt());
        assertEquals(65_000_123_456L, v.path("uptime_ms").asLong());
        assertEquals(0, v.path("ratio").asLong());
        assertTrue(v.path("quorate").asBoolean());
        assertFalse(v.path("maintenance").asBoolean(true));
        assertTrue(v.path("last_stall").isNull());
        assertTrue(v.path("nothing").isMissingNode());
        assertTrue(v.path("nothing").path("deeper").get(3).isMissingNode());
        assertEquals("dflt", v.path("nothing").asText("dflt"));
        assertEquals("dflt", v.path("last_stall").asText("dflt"));
        assertTrue(v.path("missing_flag").asBoolean(true));
        assertEquals(j.path("text").asText(), v.path("text").asText());
        assertEquals("bcast:eth0", v.path("nodes").get(1).path("links").get(0).path("link").asText());
        assertTrue(v.path("nodes").get(0).path("links").isEmpty());
        assertTrue(v.path("pid").isNumber());
        assertTrue(v.path("node").isTextual());
        assertTrue(v.path("quorate").isBoolean());
        assertFalse(v.path("pid").isBoolean());
        List<String> members = new ArrayList<>();
        v.path("members").forEach(m -> members.add(m.asText()));
        assertEquals(List.of("n1", "n2"), members);
        for (String field : new String[] {"node", "pid", "quorate", "last_stall", "nothing"}) {
            JsonNode jn = j.path(field);
            assertEquals(jn.asText(), v.path(field).asText(), field);
            assertEquals(jn.isNull(), v.path(field).isNull(), field);
            assertEquals(jn.isMissingNode(), v.path(field).isMissingNode(), field);
        }
    }

    @Test
    void printsTheSameTextAsJacksonCompactAndPretty() throws Exception {
        ObjectNode j = sample();
        JsonValue v = JsonValue.parse(j.toString());
        assertEquals(j.toString(), v.toString());
        assertEquals(ControlProtocol.json().writerWithDefaultPrettyPrinter().writeValueAsString(j), v.toPrettyString());
    }

    @Test
    void malformedInputIsAnErrorSayingWhere() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "[1 2]", "01", "1.", "-", "tru",
                "\"unterminated", "\"bad \\x escape\"", "\"ctl \u0001\"", "{\"a\":1} x", "{a:1}", "\"\\u12\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonValue.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("malformed JSON at character "), e.getMessage());
        }
        String deep = "[".repeat(100) + "]".repeat(100);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JsonValue.parse(deep)).getMessage()
                .contains("nested deeper"));
    }

    @Test
    void numbersKeepTheirText() {
        JsonValue v = JsonValue.parse(" [ -0, 1.5e3, 12345678901234567890, -2.25E-2 ] ");
        assertEquals("[-0,1.5e3,12345678901234567890,-2.25E-2]", v.toString());
        assertEquals(1500, v.get(1).asLong());
    }
}
