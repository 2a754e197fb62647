package dev.circuitlab.downstream;

import static dev.circuitlab.downstream.HttpApiEventBuilder.get;
import static dev.circuitlab.downstream.HttpApiEventBuilder.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.circuitlab.function.SnapStartPriming;
import dev.circuitlab.observability.EmfDocument;
import dev.circuitlab.observability.MetricsPublisher;
import dev.circuitlab.observability.StructuredLog;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The EMF documents the downstream emits, captured from the handler, and that failing to emit changes nothing. */
@ExtendWith(DynamoDbExtension.class)
class DownstreamMetricsTest {

    private static FaultTable faults;

    private static final String NAMESPACE = "CircuitBreakerLabTest";
    private static final Map<String, String> SERVICE = Map.of("Service", "downstream");


    private final List<String> metricLines = new CopyOnWriteArrayList<>();
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void createTable(DynamoDbEndpoint dynamoDb) {
        faults = FaultTable.create(dynamoDb);
    }

    @AfterAll
    static void closeTable() {
        faults.close();
    }

    @BeforeEach
    void clearFault() {
        faults.store().clear();
    }

    private MetricsPublisher publisher(Consumer<String> sink) {
        return DownstreamMetrics.publisher(NAMESPACE, "downstream", sink, new StructuredLog("test", logLines::add));
    }

    private DownstreamHandler handler(MetricsPublisher metrics, boolean faultsEnabled) {
        return new DownstreamHandler(new DownstreamComponents(
                DownstreamConfig.of(faults.name(), faultsEnabled).withFaultCacheTtl(Duration.ZERO), faults.store(),
                new MutableClock(DownstreamHandlerTest.START), new Random(42), new RecordingSleeper(), metrics,
                SnapStartPriming.unregistered(StructuredLog.forClass(DownstreamMetricsTest.class))));
    }

    @Test
    void aSnapStartSnapshotIsPrimedWithTheMetricsAndResponsePathOnAnyNumberOfCpus() throws Exception {
        List<String> primingLog = new CopyOnWriteArrayList<>();
        DownstreamHandler handler = new DownstreamHandler(new DownstreamComponents(
                DownstreamConfig.of(faults.name(), false), faults.store(), new MutableClock(DownstreamHandlerTest.START),
                new Random(42), new RecordingSleeper(), publisher(metricLines::add),
                SnapStartPriming.unregistered(new StructuredLog("test", primingLog::add))));

        handler.snapStartPriming().beforeCheckpoint(null);

        assertTrue(primingLog.stream().anyMatch(l -> l.contains("\"snapstart priming done\"")
                && l.contains("\"metrics and responses\"")), primingLog::toString);
        assertTrue(metricLines.isEmpty(), "priming publishes nothing: " + metricLines);
    }

    private static APIGatewayV2HTTPResponse call(DownstreamHandler handler, APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, DownstreamHandlerTest.CONTEXT);
    }

    private static APIGatewayV2HTTPEvent withMode(String mode) {
        HttpApiEventBuilder builder = request("GET", "/downstream").header(FaultConfigParser.HEADER_MODE, mode);
        if (mode.equals("latency") || mode.equals("timeout")) {
            builder.header(FaultConfigParser.HEADER_LATENCY_MS, "5");
        }
        return builder.build();
    }

    private List<EmfDocument> documents() {
        List<EmfDocument> docs = new ArrayList<>();
        for (String line : metricLines) {
            EmfDocument doc = EmfDocument.parse(line).orElseThrow(() -> new AssertionError("not EMF: " + line));
            assertEquals(Set.of(NAMESPACE), doc.namespaces());
            doc.metrics().forEach(m -> {
                assertEquals(SERVICE, m.dimensions(), m.name());
                assertEquals("Count", m.unit(), m.name());
            });
            assertTrue(line.contains("\"Dimensions\":[[\"Service\"]]"), line);
            docs.add(doc);
        }
        return docs;
    }

    private static double sum(List<EmfDocument> docs, String name) {
        return docs.stream().flatMap(d -> d.metrics().stream()).filter(m -> m.name().equals(name))
                .mapToDouble(EmfDocument.Metric::sum).sum();
    }

    @Test
    void everyInjectedModeIsCountedInTotalAndByModeWithTheServiceDimension() {
        DownstreamHandler handler = handler(publisher(metricLines::add), true);
        assertEquals(200, call(handler, get("/downstream")).getStatusCode());
        for (FaultMode mode : FaultMode.values()) {
            if (mode != FaultMode.NONE) {
                call(handler, withMode(mode.wireName()));
            }
        }
        List<EmfDocument> docs = documents();
        assertEquals(6, docs.size(), "one document per GET /downstream");
        Set<String> names = new TreeSet<>();
        docs.forEach(d -> names.addAll(d.metricNames()));
        assertEquals(new TreeSet<>(Set.of("RequestsServed", "FaultsInjected", "FaultsInjectedError",
                "FaultsInjectedLatency", "FaultsInjectedTimeout", "FaultsInjectedThrottle",
                "FaultsInjectedUnavailable")), names);
        assertEquals(6, sum(docs, "RequestsServed"));
        assertEquals(5, sum(docs, "FaultsInjected"));
        for (String perMode : List.of("FaultsInjectedError", "FaultsInjectedLatency", "FaultsInjectedTimeout",
                "FaultsInjectedThrottle", "FaultsInjectedUnavailable")) {
            assertEquals(1, sum(docs, perMode), perMode);
        }
        assertEquals(HttpApiEventBuilder.REQUEST_ID, docs.get(0).property("requestId").orElseThrow());
    }

    @Test
    void aPersistentFaultIsCountedOnTheRequestsItHitsAndTheFaultsRoutesEmitNothing() {
        DownstreamHandler handler = handler(publisher(metricLines::add), true);
        assertEquals(200, call(handler, request("PUT", "/faults").body("{\"mode\":\"unavailable\"}").build())
                .getStatusCode());
        assertEquals(200, call(handler, get("/faults")).getStatusCode());
        assertTrue(metricLines.isEmpty());
        assertEquals(503, call(handler, get("/downstream")).getStatusCode());
        List<EmfDocument> docs = documents();
        assertEquals(1, sum(docs, "FaultsInjectedUnavailable"));
        assertEquals(1, sum(docs, "RequestsServed"));
    }

    @Test
    void withFaultInjectionDisabledOnlyRequestsAreCounted() {
        DownstreamHandler handler = handler(publisher(metricLines::add), false);
        assertEquals(200, call(handler, withMode("error")).getStatusCode());
        assertEquals(Set.of("RequestsServed"), documents().get(0).metricNames());
    }

    /** Status, headers and body of each answer of a fixed sequence. */
    private List<String> scenario(DownstreamHandler handler) {
        List<String> seen = new ArrayList<>();
        List<APIGatewayV2HTTPEvent> events = List.of(get("/downstream"), withMode("error"), withMode("throttle"),
                withMode("latency"), withMode("timeout"), withMode("unavailable"), withMode("bogus"),
                get("/nowhere"));
        for (APIGatewayV2HTTPEvent event : events) {
            APIGatewayV2HTTPResponse r = call(handler, event);
            seen.add(r.getStatusCode() + " " + new TreeMap<>(r.getHeaders()) + " " + r.getBody());
        }
        return seen;
    }

    @Test
    void aFailingMetricsSinkChangesNoResponseAndIsLoggedAndCounted() {
        MetricsPublisher working = publisher(metricLines::add);
        List<String> expected = scenario(handler(working, true));
        MetricsPublisher failing = publisher(line -> {
            throw new UncheckedIOException(new IOException("broken pipe"));
        });
        List<String> actual = scenario(handler(failing, true));

        assertEquals(expected, actual);
        assertEquals(0, working.failedFlushes());
        assertEquals(working.publishedDocuments(), failing.failedFlushes());
        assertEquals(7, failing.failedFlushes(), "every GET /downstream, the one with a bad fault header too");
        long reported = logLines.stream().filter(l -> l.contains("\"message\":\"metrics not published\"")).count();
        assertEquals(7, reported);
        assertTrue(logLines.stream().noneMatch(l -> l.contains("stackTrace")));
    }
}
