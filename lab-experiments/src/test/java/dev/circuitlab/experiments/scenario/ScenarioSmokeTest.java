package dev.circuitlab.experiments.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.testing.DynaliteServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-second scenario end to end against the in-process local runtime (real template, handlers and
 * dynalite), twice. Checks the shape of what it writes, not timing: that is the real command's job.
 */
class ScenarioSmokeTest {

    @Test
    @Timeout(90)
    void aTinyScenarioWritesBothRunsWithACircuitStateColumn(@TempDir Path out) throws Exception {
        Set<Long> before = descendants();
        ScenarioOptions options = ScenarioOptions.defaults(DynaliteServer.projectRoot(), out)
                .with(8, 2, Timeline.parse("healthy:1s,timeout:1s,healthy:1s"), 7, Duration.ofMillis(300),
                        Map.of("CircuitCallTimeoutMs", "300", "CircuitFailureThreshold", "2"), out, false)
                .withComparisonRequests(20);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ScenarioCommand.Result result = new ScenarioCommand(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
        String printed = console.toString(StandardCharsets.UTF_8);

        JsonNode doc = new ObjectMapper().readTree(result.seriesJson().toFile());
        assertEquals(2, doc.get("runs").size());
        assertEquals("breaker-on", doc.at("/runs/0/name").asText());
        assertEquals("breaker-off", doc.at("/runs/1/name").asText());
        assertEquals("false", doc.at("/runs/1/parameterOverrides/BreakerEnabled").asText());
        for (JsonNode run : doc.get("runs")) {
            JsonNode series = run.get("series");
            assertEquals(3, series.get("second").size());
            assertEquals(3, series.get(RunSeries.CIRCUIT_STATE).size(), "a circuit-state column, one value per second");
            assertTrue(series.has("upstream.p99Ms") && series.has("health.p50Ms") && series.has("upstream.fast503")
                    && series.has("upstream.concurrencyMax") && series.has("downstream.invocations"), series.toString());
            int sent = 0;
            for (JsonNode n : series.get("upstream.sent")) {
                sent += n.asInt();
            }
            assertTrue(sent > 0, "requests were sent");
        }
        assertEquals("BYPASSED", doc.at("/runs/1/series/circuitState/0").asText());
        assertTrue(doc.get("checks").size() >= 8);
        assertEquals(20, doc.at("/healthyComparison/requestsEach").asInt(), doc.get("healthyComparison").toString());
        assertTrue(doc.at("/healthyComparison/onP50Ms").asDouble() > 0 && doc.at("/healthyComparison/offP50Ms").asDouble() > 0);
        assertTrue(Files.readString(result.reportHtml()).contains("scenario-data"));
        assertTrue(printed.contains("breaker ON") && printed.contains("breaker OFF"), printed);
        assertTrue(printed.contains("PASS ") || printed.contains("FAIL "), printed);
        // Everything started was stopped: no child process left (dynalite included).
        assertEquals(before, descendants());
    }

    private static Set<Long> descendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
