package dev.circuitlab.experiments.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's output: the same seed gives the same summary, byte for byte; the report and --json are written. */
class FleetSummaryTest {

    private static FleetOptions options(Path out, Path json, long seed) {
        return new FleetOptions(List.of(300.0, 2_000.0), FleetOptions.parseScenarios("outage-timeout,sick-instance", true),
                FleetOptions.defaultBreakers(), FleetParameters.defaults(), seed, true, out, json, 2);
    }

    private static FleetCommand.Result run(FleetOptions o) throws Exception {
        return new FleetCommand(o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
    }

    @Test
    void theSameSeedGivesTheSameSummaryByteForByte(@TempDir Path dir) throws Exception {
        FleetCommand.Result first = run(options(dir.resolve("a"), dir.resolve("a.json"), 5));
        FleetCommand.Result second = run(options(dir.resolve("b"), null, 5));
        String a = Files.readString(first.summaryJson());
        assertEquals(a, Files.readString(second.summaryJson()));
        assertEquals(a, Files.readString(dir.resolve("a.json")), "--json writes the same summary");
        FleetCommand.Result other = run(options(dir.resolve("c"), null, 6));
        assertNotEquals(a, Files.readString(other.summaryJson()), "another seed, other draws");

        JsonNode summary = new ObjectMapper().readTree(a);
        JsonNode runs = summary.get("runs");
        assertEquals(2 * 2 * 4, runs.size());
        for (String field : List.of("strategy", "scenario", "rps", "instancesPeak", "itemReadUnitsPeakPerSec",
                "itemWriteUnitsPeakPerSec", "throttledRequests", "storeErrors", "requestsPerUpstreamRequest",
                "addedLatencyP50Ms", "addedLatencyP99Ms", "tripAfterFirstFailureMs", "fleetRejectingAfterFirstFailureMs",
                "downstreamCallsWhileOpen", "maxConcurrentProbes", "falseTrips", "closeAfterFaultEndMs",
                "costUsdPerMillionRequests")) {
            assertTrue(runs.get(0).has(field), field);
        }
        assertTrue(runs.get(0).get("falseTrips").isNull(), "not a should-stay-closed scenario");
        String html = Files.readString(first.reportHtml());
        assertTrue(html.contains("\"series\"") && html.contains("new Chart("), "the report carries the series and draws them");
        assertTrue(summary.get("winners").size() == 4 && summary.get("winCounts").size() == 4, summary.toString());
    }

    @Test
    void winnersAreTheLowestFigureWithTiesAndNullsRankedByTheirMeaning() {
        Scenario outage = Scenario.all(true).get("outage-5xx");
        Map<String, Object> a = Map.of("strategy", "a", "throttledRequests", 0L, "tripAfterFirstFailureMs", 20L,
                "maxConcurrentProbes", 1L, "stillOpenAtEnd", false);
        Map<String, Object> b = new java.util.HashMap<>(Map.of("strategy", "b", "throttledRequests", 0L,
                "maxConcurrentProbes", 50L, "stillOpenAtEnd", true));
        b.put("tripAfterFirstFailureMs", null);
        b.put("closeAfterFaultEndMs", null);
        Map<String, Object> c = Map.of("strategy", "c", "throttledRequests", 7L, "tripAfterFirstFailureMs", 900L,
                "maxConcurrentProbes", 0L, "closeAfterFaultEndMs", 5_000L, "stillOpenAtEnd", false);
        Map<String, List<String>> w = Winners.of(outage, List.of(a, b, c));
        assertEquals(List.of("a", "b"), w.get("throttledRequests"), "a tie");
        assertEquals(List.of("a"), w.get("tripAfterFirstFailureMs"), "never tripping loses");
        assertEquals(List.of("a"), w.get("maxConcurrentProbes"), "one probe is best; none does not count");
        assertEquals(List.of("c"), w.get("closeAfterFaultEndMs"), "still open at the end loses");
    }

    @Test
    void badCommandLinesAreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.parseScenarios("outage-timeout,nope", false));
        assertTrue(e.getMessage().contains("unknown scenario 'nope'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FleetOptions.parseRates("100,abc"));
        assertThrows(IllegalArgumentException.class, () -> FleetOptions.parseRates("0"));
        assertEquals(List.of(1_000.0, 100_000.0), FleetOptions.parseRates("1000, 100_000"));
    }

    @Test
    void percentilesComeFromFixedSizeBucketsWithinATenthOfAPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1_000; i++) {
            h.record(i);
        }
        assertEquals(500, h.percentileMicros(0.5));
        assertEquals(990, h.percentileMicros(0.99));
        LatencyHistogram big = new LatencyHistogram();
        big.record(1_234_567);
        double p = big.percentileMicros(0.5);
        assertTrue(p <= 1_234_567 && p > 1_234_567 * 0.999, "lower edge of its bucket: " + p);
    }
}
