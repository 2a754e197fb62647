package dev.circuitlab.downstream;

import static dev.circuitlab.downstream.Responses.json;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.MutableClock;
import dev.circuitlab.testing.TestLambdaContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drives every {@code events/downstream-*.json} file (the ones {@code sam local invoke} uses) through
 * the handler and checks the documented answer. A new event file without an entry in
 * {@link #EXPECTED} fails the build, so the table stays the documentation of the files.
 */
@ExtendWith(DynamoDbExtension.class)
class EventFilesTest {

    static FaultTable faults;

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** A Lambda with a 30 s timeout, just started; sleeps are recorded, not waited for. */
    static final int REMAINING_MS = 30_000;

    /** What one event file must produce. {@code statuses} has several entries only for flaky faults. */
    record Expectation(Set<Integer> statuses, Map<String, String> headers, Consumer<JsonNode> body) {
        static Expectation of(int status, Map<String, String> headers, Consumer<JsonNode> body) {
            return new Expectation(Set.of(status), headers, body);
        }
    }

    static final Map<String, Expectation> EXPECTED = Map.ofEntries(
            Map.entry("downstream-get.json", Expectation.of(200, Map.of(),
                    body -> assertEquals("sku-1001", body.path("item").path("id").asText()))),
            Map.entry("downstream-fault-error.json", Expectation.of(502, Map.of("X-Fault-Injected", "error"),
                    body -> assertEquals("error", body.get("mode").asText()))),
            Map.entry("downstream-fault-latency.json", Expectation.of(200,
                    Map.of("X-Fault-Injected", "latency", "X-Fault-Latency-Ms", "1500"),
                    body -> assertEquals("sku-1001", body.path("item").path("id").asText()))),
            Map.entry("downstream-fault-timeout.json", Expectation.of(504,
                    // held until 200 ms before the 30 s deadline
                    Map.of("X-Fault-Injected", "timeout", "X-Fault-Latency-Ms", "29800"),
                    body -> assertEquals("timeout", body.get("mode").asText()))),
            Map.entry("downstream-fault-throttle.json", Expectation.of(429,
                    Map.of("X-Fault-Injected", "throttle", "Retry-After", "1"),
                    body -> assertEquals("throttle", body.get("mode").asText()))),
            Map.entry("downstream-fault-unavailable.json", Expectation.of(503, Map.of("X-Fault-Injected", "unavailable"),
                    body -> assertEquals("unavailable", body.get("mode").asText()))),
            Map.entry("downstream-fault-flaky.json", new Expectation(Set.of(200, 500), Map.of(),
                    body -> assertTrue(body.has("item") || "error".equals(body.path("mode").asText()), body::toString))),
            Map.entry("downstream-faults-put.json", Expectation.of(200, Map.of(), body -> assertAll(
                    () -> assertEquals("error", body.get("mode").asText()),
                    () -> assertEquals(0.5, body.get("probability").asDouble()),
                    () -> assertEquals(503, body.get("statusCode").asInt()),
                    () -> assertEquals(NOW.getEpochSecond() + 300, body.get("expiresAt").asLong())))),
            Map.entry("downstream-faults-get.json", Expectation.of(200, Map.of(),
                    body -> assertEquals("none", body.get("mode").asText()))),
            Map.entry("downstream-faults-delete.json", Expectation.of(200, Map.of(),
                    body -> assertEquals("none", body.get("mode").asText()))));

    /** Plain Jackson, strict about unknown properties: a typo in an event file fails here. */
    static final ObjectMapper EVENT_READER = new ObjectMapper();


    @BeforeAll
    static void createTable(DynamoDbEndpoint endpoint) {
        faults = FaultTable.create(endpoint);
    }

    @AfterAll
    static void closeTable() {
        faults.close();
    }

    static Path eventsDir() {
        String root = System.getProperty("circuitlab.root");
        if (root != null && Files.isDirectory(Path.of(root, "events"))) {
            return Path.of(root, "events");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("events")) && Files.isDirectory(dir.resolve("downstream-function"))) {
                return dir.resolve("events");
            }
        }
        throw new IllegalStateException("cannot find the events directory: set -Dcircuitlab.root");
    }

    static List<Path> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(eventsDir())) {
            return files.filter(f -> f.getFileName().toString().matches("downstream-.*\\.json")).sorted().toList();
        }
    }

    static APIGatewayV2HTTPEvent read(Path file) throws IOException {
        return EVENT_READER.readValue(file.toFile(), APIGatewayV2HTTPEvent.class);
    }

    /** A fresh handler and an empty table per file, so each file's answer does not depend on the others. */
    static DownstreamHandler freshHandler(RecordingSleeper sleeper) {
        faults.store().clear();
        return new DownstreamHandler(DownstreamComponents.of(faults.store(),
                DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(Duration.ZERO), new MutableClock(NOW),
                new Random(11), sleeper));
    }

    @Test
    void everyDownstreamEventFileHasAnExpectationAndEveryExpectationAFile() throws IOException {
        Set<String> files = new TreeSet<>();
        eventFiles().forEach(f -> files.add(f.getFileName().toString()));

        Set<String> uncovered = new TreeSet<>(files);
        uncovered.removeAll(EXPECTED.keySet());
        Set<String> missing = new TreeSet<>(EXPECTED.keySet());
        missing.removeAll(files);
        assertTrue(uncovered.isEmpty(), "event files without an expectation in EventFilesTest.EXPECTED: " + uncovered);
        assertTrue(missing.isEmpty(), "expected event files that do not exist in " + eventsDir() + ": " + missing);
    }

    @TestFactory
    Stream<DynamicTest> eachEventFileProducesItsDocumentedResponse() throws IOException {
        return eventFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Expectation expected = EXPECTED.get(file.getFileName().toString());
            if (expected == null) {
                fail(file.getFileName() + " has no expectation in EventFilesTest.EXPECTED");
            }
            APIGatewayV2HTTPResponse response = freshHandler(new RecordingSleeper())
                    .handleRequest(read(file), TestLambdaContext.withRemainingMillis(REMAINING_MS));

            assertTrue(expected.statuses().contains(response.getStatusCode()),
                    () -> "status " + response.getStatusCode() + ", expected one of " + expected.statuses()
                            + "; body " + response.getBody());
            expected.headers().forEach((name, value) ->
                    assertEquals(value, response.getHeaders().get(name), "header " + name));
            expected.body().accept(json(response));
        }));
    }

    @Test
    void everyEventFileIsARealisticHttpApiV2Event() throws IOException {
        for (Path file : eventFiles()) {
            APIGatewayV2HTTPEvent event = read(file);
            String name = file.getFileName().toString();
            APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
            assertNotNull(context, name);
            assertAll(name,
                    () -> assertEquals("2.0", event.getVersion()),
                    () -> assertEquals(context.getHttp().getMethod() + " " + event.getRawPath(), event.getRouteKey()),
                    () -> assertEquals(event.getRouteKey(), context.getRouteKey()),
                    () -> assertEquals(event.getRawPath(), context.getHttp().getPath()),
                    () -> assertNotNull(event.getRawQueryString()),
                    () -> assertEquals("127.0.0.1", context.getHttp().getSourceIp()),
                    () -> assertEquals("$default", context.getStage()),
                    () -> assertFalse(context.getRequestId() == null || context.getRequestId().isBlank()),
                    () -> assertTrue(event.getHeaders().keySet().stream()
                            .allMatch(h -> h.equals(h.toLowerCase(Locale.ROOT))), "HTTP API lowercases header names"));
        }
    }

    @Test
    void theFlakyEventFileFailsSomeRequestsAndServesOthers() throws IOException {
        APIGatewayV2HTTPEvent event = read(eventsDir().resolve("downstream-fault-flaky.json"));
        DownstreamHandler handler = freshHandler(new RecordingSleeper());
        Set<Integer> seen = new TreeSet<>();
        for (int i = 0; i < 40; i++) {
            seen.add(handler.handleRequest(event, TestLambdaContext.withRemainingMillis(REMAINING_MS)).getStatusCode());
        }
        assertEquals(Set.of(200, 500), seen);
    }

    @Test
    void thePutEventFileStoresItsFault() throws IOException {
        freshHandler(new RecordingSleeper()).handleRequest(read(eventsDir().resolve("downstream-faults-put.json")),
                TestLambdaContext.withRemainingMillis(REMAINING_MS));

        FaultConfig stored = faults.store().read().orElseThrow();
        assertEquals(FaultMode.ERROR, stored.mode());
        assertEquals(503, stored.statusCode());
        faults.store().clear();
    }
}
