package io.lifeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The archive training runs the real commands to their end, so the archive holds their classes. */
class CdsTrainingTest {

    private static String output(String kind) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, CdsTraining.run(kind), kind + " ran as against a daemon");
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusTrainingRendersTheTablesAndTheJson() throws Exception {
        String out = output("status");
        assertTrue(out.contains("\nGROUP ") && out.contains("\nNODE ") && out.contains("\nLINK "), out);
        assertTrue(out.contains("\"schema_version\""), "the --json run too: " + out);
    }

    @Test
    void eventsTrainingPrintsTheRecordedEvents() throws Exception {
        String out = output("events");
        assertTrue(out.contains(" INFO  membership"), out);
    }
}
