package dev.circuitlab.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Parser behaviour that the handler tests do not pin down: defaults, lenient spellings, JSON shape. */
class FaultConfigParserTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00.750Z");
    static final FaultConfigParser PARSER = new FaultConfigParser(Duration.ofMillis(25_000));

    static FaultConfig body(String json) {
        return PARSER.parseBody(json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    static Optional<FaultConfig> headers(String... pairs) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return PARSER.parseHeaders(map::get);
    }

    @Test
    void aBodyWithOnlyAModeGetsTheDefaults() {
        FaultConfig fault = body("{\"mode\":\"error\"}");

        assertEquals(new FaultConfig(FaultMode.ERROR, 1.0, null, 500, Instant.parse("2026-01-01T00:05:00Z")), fault);
    }

    @Test
    void expiryIsWholeSecondsBecauseItIsTheTtlAttribute() {
        assertEquals(Instant.parse("2026-01-01T00:00:10Z"), body("{\"mode\":\"throttle\",\"expiresInSeconds\":10}").expiresAt());
    }

    @Test
    void jsonNullMeansAbsent() {
        assertEquals(1.0, body("{\"mode\":\"error\",\"probability\":null,\"statusCode\":null}").probability());
    }

    @Test
    void modeIsCaseInsensitive() {
        assertEquals(FaultMode.UNAVAILABLE, body("{\"mode\":\" Unavailable \"}").mode());
    }

    @Test
    void integralProbabilitiesAreNumbersToo() {
        assertEquals(0.0, body("{\"mode\":\"error\",\"probability\":0}").probability());
        assertEquals(1.0, body("{\"mode\":\"error\",\"probability\":1}").probability());
    }

    @Test
    void noModeHeaderMeansNoPerRequestFault() {
        assertEquals(Optional.empty(), headers());
        assertEquals(Optional.empty(), headers("X-Fault-Mode", " "));
        assertEquals(Optional.empty(), headers("X-Fault-Latency-Ms", "100"));
    }

    @Test
    void latencyHeaderTakesAFixedValueOrARange() {
        assertEquals(LatencyRange.fixed(250), headers("x-fault-mode", "latency", "x-fault-latency-ms", "250").orElseThrow().latency());
        assertEquals(new LatencyRange(100, 500),
                headers("x-fault-mode", "latency", "x-fault-latency-ms", " 100 - 500 ").orElseThrow().latency());
    }

    @Test
    void headerFaultsHaveNoExpiry() {
        FaultConfig fault = headers("x-fault-mode", "error", "x-fault-status-code", "503", "x-fault-probability", "0.5").orElseThrow();

        assertEquals(new FaultConfig(FaultMode.ERROR, 0.5, null, 503, null), fault);
    }

    @Test
    void theJsonShowsOnlyWhatTheModeUses() {
        Instant expires = Instant.parse("2026-01-01T00:05:00Z");
        assertEquals("{\"mode\":\"none\"}", FaultConfig.NONE.toJson().toString());
        assertEquals("{\"mode\":\"throttle\",\"probability\":1.0,\"expiresAt\":1767225900,\"expiresAtIso\":\"2026-01-01T00:05:00Z\"}",
                new FaultConfig(FaultMode.THROTTLE, 1.0, null, 429, expires).toJson().toString());
        assertEquals("{\"mode\":\"latency\",\"probability\":1.0,\"latencyMs\":5}",
                new FaultConfig(FaultMode.LATENCY, 1.0, LatencyRange.fixed(5), 200, null).toJson().toString());
        assertEquals("{\"mode\":\"error\",\"probability\":0.5,\"statusCode\":503}",
                new FaultConfig(FaultMode.ERROR, 0.5, null, 503, null).toJson().toString());
    }

    @Test
    void theRecordRefusesInconsistentFaults() {
        assertThrows(IllegalArgumentException.class, () -> new FaultConfig(FaultMode.THROTTLE, 1.0, null, 500, null));
        assertThrows(IllegalArgumentException.class, () -> new FaultConfig(FaultMode.LATENCY, 1.0, null, 200, null));
        assertThrows(IllegalArgumentException.class, () -> new FaultConfig(FaultMode.ERROR, 1.0, LatencyRange.fixed(1), 500, null));
        assertThrows(IllegalArgumentException.class, () -> new FaultConfig(FaultMode.ERROR, Double.NaN, null, 500, null));
        assertThrows(IllegalArgumentException.class, () -> new LatencyRange(5, 4));
    }
}
