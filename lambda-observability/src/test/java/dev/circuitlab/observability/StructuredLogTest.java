package dev.circuitlab.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StructuredLogTest {

    private final List<String> lines = new ArrayList<>();

    @AfterEach
    void resetLevel() {
        StructuredLog.useLevelFrom(Map.of());
    }

    private JsonNode only() {
        assertEquals(1, lines.size(), () -> "lines: " + lines);
        try {
            return Json.MAPPER.readTree(lines.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void writesOneJsonObjectPerLineWithTheStandardFieldsAndTheCallersPairs() {
        new StructuredLog("upstream", lines::add).info("upstream call", "circuitId", "c1", "state", "OPEN",
                "requestId", "r-1", "status", 503, "latencyMs", 12L, "probe", true, "ratio", 0.5, "absent", null);
        JsonNode line = only();
        assertFalse(lines.get(0).contains("\n"));
        assertEquals("INFO", line.path("level").asText());
        assertEquals("upstream", line.path("logger").asText());
        assertEquals("upstream call", line.path("message").asText());
        Instant.parse(line.path("timestamp").asText());
        assertEquals("c1", line.path("circuitId").asText());
        assertEquals("OPEN", line.path("state").asText());
        assertEquals("r-1", line.path("requestId").asText());
        assertEquals(503, line.path("status").asInt());
        assertTrue(line.path("latencyMs").isIntegralNumber());
        assertTrue(line.path("probe").asBoolean());
        assertEquals(0.5, line.path("ratio").asDouble());
        assertTrue(line.path("absent").isMissingNode(), "null values are left out");
    }

    @Test
    void aFailureIsLoggedAsTypeMessageAndRootCauseWithoutAStackTrace() {
        Exception e = new IllegalStateException("store call failed", new java.net.ConnectException("refused"));
        new StructuredLog("x", lines::add).warn("store error", "operation", "load", "error", e);
        JsonNode line = only();
        assertEquals("WARN", line.path("level").asText());
        assertEquals("java.lang.IllegalStateException", line.path("errorType").asText());
        assertEquals("store call failed", line.path("errorMessage").asText());
        assertEquals("java.net.ConnectException: refused", line.path("rootCause").asText());
        assertTrue(line.path("stackTrace").isMissingNode());
        assertFalse(lines.get(0).contains("\tat "));
    }

    @Test
    void atDebugTheStackTraceIsIncludedAndDebugLinesAreWritten() {
        StructuredLog.useLevelFrom(Map.of(StructuredLog.LEVEL_VARIABLE, "debug"));
        StructuredLog log = new StructuredLog("x", lines::add);
        log.debug("detail");
        log.error("boom", "error", new RuntimeException("bad"));
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).contains("stackTrace"));
        assertTrue(lines.get(1).contains("StructuredLogTest"));
    }

    @Test
    void belowTheThresholdNothingIsWritten() {
        StructuredLog log = new StructuredLog("x", lines::add);
        log.debug("hidden");
        assertTrue(lines.isEmpty());
        assertFalse(log.isDebugEnabled());
        new StructuredLog("x", lines::add, StructuredLog.Level.ERROR).warn("hidden too");
        assertTrue(lines.isEmpty());
        StructuredLog.useLevelFrom(Map.of(StructuredLog.LEVEL_VARIABLE, "FATAL"));
        new StructuredLog("x", lines::add).warn("hidden as well");
        assertTrue(lines.isEmpty());
    }

    @Test
    void aBrokenSinkIsIgnored() {
        new StructuredLog("x", line -> {
            throw new IllegalStateException("disk full");
        }).error("nobody hears this");
    }

    @Test
    void nestedArraysAreSplicedAndOtherObjectsAreWrittenAsText() {
        new StructuredLog("x", lines::add).info("m", "fields", new Object[] {"a", 1, "b", "two"},
                "state", Thread.State.NEW);
        JsonNode line = only();
        assertEquals(1, line.path("a").asInt());
        assertEquals("two", line.path("b").asText());
        assertEquals("NEW", line.path("state").asText());
    }

    @Test
    void theStdoutSinkWritesThroughTheSystemOutOfTheMomentNotTheOneAtConstruction() {
        StructuredLog log = StructuredLog.forClass(StructuredLogTest.class);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            log.info("routed");
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("\"message\":\"routed\""), text);
        assertTrue(text.contains("\"logger\":\"StructuredLogTest\""), text);
    }
}
