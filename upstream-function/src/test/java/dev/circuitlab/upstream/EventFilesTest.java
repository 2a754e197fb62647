package dev.circuitlab.upstream;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.function.FunctionEnvironment;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.TestLambdaContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import static dev.circuitlab.upstream.HttpApiEvents.assertNoStackTrace;
import static dev.circuitlab.upstream.HttpApiEvents.header;
import static dev.circuitlab.upstream.HttpApiEvents.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives every {@code events/upstream-*.json} (the {@code sam local invoke} samples) through the
 * handler, built the way Lambda builds it (from an environment), and checks the documented answer.
 * A new event file without an entry in {@link #EXPECTED} fails the build.
 */
@ExtendWith(DynamoDbExtension.class)
class EventFilesTest {

    /** What each event file must produce, on a circuit with no item yet and a healthy downstream. */
    record Expected(int status, String circuitState, int downstreamCalls, Consumer<JsonNode> body) { }

    private static final Map<String, Expected> EXPECTED = Map.of(
            "upstream-get.json", new Expected(200, "CLOSED", 1,
                    b -> assertEquals("sku-1", b.path("item").path("id").asText())),
            // A public route: the forged X-Fault-* headers never reach the downstream.
            "upstream-get-fault-headers-ignored.json", new Expected(200, "CLOSED", 1, b -> {
                assertEquals("sku-1", b.path("item").path("id").asText());
                assertTrue(EventFilesTest.downstream.lastHeaders().keySet().stream().noneMatch(h -> h.startsWith("x-fault-")),
                        () -> "forwarded: " + EventFilesTest.downstream.lastHeaders());
            }),
            // The IAM route: the headers are forwarded (this stand-in downstream does not inject faults).
            "upstream-with-faults-error.json", new Expected(200, "CLOSED", 1, b -> {
                assertEquals("error", EventFilesTest.downstream.lastHeaders().get("x-fault-mode"));
                assertEquals("503", EventFilesTest.downstream.lastHeaders().get("x-fault-status-code"));
            }),
            "upstream-health.json", new Expected(200, "UNKNOWN", 0,
                    b -> assertEquals("ok", b.path("status").asText())),
            "upstream-circuit-get.json", new Expected(200, "CLOSED", 0, b -> {
                assertEquals("downstream", b.path("circuitId").asText());
                assertEquals("CLOSED", b.path("state").asText());
                assertEquals(0, b.path("version").asLong());
            }),
            "upstream-circuit-reset.json", new Expected(200, "CLOSED", 0, b -> {
                assertEquals("CLOSED", b.path("state").asText());
                assertEquals("manual reset", b.path("lastTransition").path("reason").asText());
            }),
            "upstream-circuit-force-open.json", new Expected(200, "FORCED_OPEN", 0, b -> {
                assertEquals("FORCED_OPEN", b.path("state").asText());
                assertEquals("FORCED_OPEN", b.path("lastTransition").path("to").asText());
            }),
            "upstream-circuit-disable.json", new Expected(200, "DISABLED", 0, b -> {
                assertEquals("DISABLED", b.path("state").asText());
                assertEquals("DISABLED", b.path("lastTransition").path("to").asText());
            }));

    /** How API Gateway's JSON binds to the lambda-events classes (the Lambda runtime is as lenient). */
    private static final ObjectMapper EVENTS = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static DynamoDbEndpoint endpoint;
    private static DynamoDbClient client;
    private static String table;
    private static FakeDownstream downstream;

    @BeforeAll
    static void start(DynamoDbEndpoint dynamo) throws IOException {
        endpoint = dynamo;
        client = dynamo.client();
        table = DynamoDbEndpoint.uniqueTableName("circuits");
        client.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
        downstream = FakeDownstream.start();
    }

    @AfterAll
    static void stop() {
        downstream.close();
        client.deleteTable(b -> b.tableName(table));
        client.close();
    }

    static Path eventsDir() {
        String prop = System.getProperty("circuitlab.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "events"))) {
            return Path.of(prop, "events");
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("events")) && Files.exists(dir.resolve("template.yaml"))) {
                return dir.resolve("events");
            }
        }
        throw new IllegalStateException("cannot find the project's events/ directory: set -Dcircuitlab.root");
    }

    static List<Path> upstreamEventFiles() throws IOException {
        try (Stream<Path> files = Files.list(eventsDir())) {
            return files.filter(p -> p.getFileName().toString().matches("upstream-.*\\.json")).sorted().toList();
        }
    }

    @Test
    void everyExpectedFileExists() throws IOException {
        List<String> present = upstreamEventFiles().stream().map(p -> p.getFileName().toString()).toList();
        for (String name : EXPECTED.keySet()) {
            assertTrue(present.contains(name), () -> "events/" + name + " is missing; present: " + present);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyUpstreamEventFileGivesItsDocumentedAnswer() throws IOException {
        List<Path> files = upstreamEventFiles();
        assertFalse(files.isEmpty(), "no events/upstream-*.json found in " + eventsDir());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> drive(file)));
    }

    private void drive(Path file) throws IOException {
        String name = file.getFileName().toString();
        Expected expected = EXPECTED.get(name);
        if (expected == null) {
            fail("events/" + name + " has no expectation in EventFilesTest.EXPECTED: add its documented answer");
        }
        APIGatewayV2HTTPEvent event = EVENTS.readValue(file.toFile(), APIGatewayV2HTTPEvent.class);
        assertNotNull(event.getRequestContext(), name + ": requestContext did not bind");
        assertNotNull(event.getRequestContext().getHttp(), name + ": requestContext.http did not bind");
        assertNotNull(event.getRequestContext().getHttp().getMethod(), name + ": requestContext.http.method missing");
        assertNotNull(event.getRawPath(), name + ": rawPath missing");
        if (event.getRawPath().startsWith("/circuits/")) {
            assertEquals("downstream", event.getPathParameters().get("id"), name + ": pathParameters.id");
        }

        // Each file runs against a circuit without an item and a fresh instance, like a first invoke.
        client.deleteItem(b -> b.tableName(table)
                .key(Map.of(DynamoDbCircuitStateStore.partitionKey(), AttributeValue.fromS("downstream"))));
        UpstreamHandler handler = UpstreamHandler.fromEnvironment(Map.of(
                UpstreamConfig.CIRCUIT_TABLE_NAME, table,
                UpstreamConfig.DOWNSTREAM_URL, downstream.baseUrl().toString(),
                FunctionEnvironment.DYNAMODB_ENDPOINT, endpoint.uri().toString()));
        int callsBefore = downstream.invocations();

        APIGatewayV2HTTPResponse r = handler.handleRequest(event, new TestLambdaContext("event-" + name));

        assertEquals(expected.status(), r.getStatusCode(), () -> name + ": " + r.getBody());
        assertEquals(expected.circuitState(), header(r, "X-Circuit-State"), name + ": X-Circuit-State");
        assertTrue(String.valueOf(header(r, "Content-Type")).startsWith("application/json"), name);
        assertNoStackTrace(r);
        assertEquals(expected.downstreamCalls(), downstream.invocations() - callsBefore, name + ": downstream calls");
        expected.body().accept(json(r));
    }
}
