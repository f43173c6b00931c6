package io.lifeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncarnationFloorTest {

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);

    @Test
    void aFirstStartIsNumberedFromTheClockAndRecorded(@TempDir Path state) throws IOException {
        Path dir = state.resolve("lifeline");
        assertEquals(1_800_000_000_000L, IncarnationFloor.advance(dir, clock));
        assertEquals("1800000000000", Files.readString(dir.resolve(IncarnationFloor.FILE)).trim());
    }

    @Test
    void aClockThatSteppedBackCannotNumberARestartBelowThePreviousRun(@TempDir Path state) throws IOException {
        long first = IncarnationFloor.advance(state, clock);
        clock.advance(-3_600_000);
        long second = IncarnationFloor.advance(state, clock);
        long third = IncarnationFloor.advance(state, clock);
        assertEquals(first + 1, second);
        assertEquals(first + 2, third);
    }

    @Test
    void aClockAheadOfTheRecordWins(@TempDir Path state) throws IOException {
        IncarnationFloor.advance(state, clock);
        clock.advance(5_000);
        assertEquals(1_800_000_005_000L, IncarnationFloor.advance(state, clock));
    }

    @Test
    void aTornRecordFallsBackToTheClock(@TempDir Path state) throws IOException {
        Files.writeString(state.resolve(IncarnationFloor.FILE), "garbage\n", StandardCharsets.US_ASCII);
        assertEquals(1_800_000_000_000L, IncarnationFloor.advance(state, clock));
    }

    @Test
    void anUnwritableStateDirectoryIsAnError(@TempDir Path state) throws IOException {
        Path notADirectory = state.resolve("file");
        Files.writeString(notADirectory, "x");
        assertThrows(IOException.class, () -> IncarnationFloor.advance(notADirectory, clock));
    }
}
