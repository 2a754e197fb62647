package dev.circuitlab.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsPublisherTest {

    private static final Map<String, String> CIRCUIT = Map.of("CircuitId", "c1");

    private final List<String> documents = new CopyOnWriteArrayList<>();
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final StructuredLog log = new StructuredLog("metrics", logLines::add);

    private MetricsPublisher publisher() {
        return MetricsPublisher.toLines("LabTest", CIRCUIT, documents::add, log);
    }

    private EmfDocument onlyDocument() {
        assertEquals(1, documents.size(), () -> "documents: " + documents);
        return EmfDocument.parse(documents.get(0)).orElseThrow(() -> new AssertionError("not EMF: " + documents.get(0)));
    }

    @Test
    void oneInvocationIsOneDocumentWithTheNamespaceTheOneDimensionSetAndEveryValue() throws IOException {
        MetricsPublisher publisher = publisher();
        try (InvocationMetrics metrics = publisher.begin()) {
            metrics.requestId("req-1");
            publisher.current().count("CallsPermitted");
            publisher.current().count("CallsPermitted");
            publisher.current().count("ConditionalWriteConflicts", 3);
            publisher.current().milliseconds("StateStoreLatency", 3);
            publisher.current().milliseconds("StateStoreLatency", 7);
            publisher.current().gauge("CircuitState", 0);
            publisher.current().gauge("CircuitState", 2);
        }
        EmfDocument doc = onlyDocument();
        assertEquals(List.of("LabTest"), List.copyOf(doc.namespaces()));
        assertEquals(2.0, doc.metric("CallsPermitted", CIRCUIT).orElseThrow().sum());
        assertEquals("Count", doc.metric("CallsPermitted", CIRCUIT).orElseThrow().unit());
        assertEquals(3.0, doc.metric("ConditionalWriteConflicts", CIRCUIT).orElseThrow().sum());
        EmfDocument.Metric latency = doc.metric("StateStoreLatency", CIRCUIT).orElseThrow();
        assertEquals("Milliseconds", latency.unit());
        assertEquals(List.of(3.0, 7.0), latency.values());
        assertEquals(List.of(2.0), doc.metric("CircuitState", CIRCUIT).orElseThrow().values());
        assertEquals("None", doc.metric("CircuitState", CIRCUIT).orElseThrow().unit());
        assertEquals("req-1", doc.property("requestId").orElseThrow());
        assertTrue(Math.abs(System.currentTimeMillis() - doc.timestamp()) < 60_000);

        // Exactly the one dimension set: the library's Lambda defaults (LogGroup, ServiceName,
        // ServiceType) would make every metric a different CloudWatch metric than the dashboard's.
        JsonNode raw = Json.MAPPER.readTree(documents.get(0));
        assertEquals("[[\"CircuitId\"]]", raw.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
        assertTrue(raw.path("LogGroup").isMissingNode());
        assertTrue(raw.path("ServiceType").isMissingNode());
        assertEquals(1, publisher.publishedDocuments());
        assertEquals(0, publisher.failedFlushes());
    }

    @Test
    void anInvocationThatRecordedNothingPublishesNothing() {
        MetricsPublisher publisher = publisher();
        try (InvocationMetrics metrics = publisher.begin()) {
            metrics.requestId("health-check");
        }
        assertTrue(documents.isEmpty());
        assertEquals(0, publisher.publishedDocuments());
    }

    @Test
    void outsideAnInvocationRecordingIsDiscarded() {
        MetricsPublisher publisher = publisher();
        publisher.current().count("CallsPermitted");
        publisher.current().close();
        try (InvocationMetrics metrics = publisher.begin()) {
            metrics.count("RequestsServed");
        }
        assertEquals(List.of("RequestsServed"), List.copyOf(onlyDocument().metricNames()));
    }

    @Test
    void eachThreadRecordsIntoItsOwnInvocation() throws InterruptedException {
        MetricsPublisher publisher = publisher();
        CountDownLatch bothStarted = new CountDownLatch(2);
        Runnable invocation = () -> {
            try (InvocationMetrics metrics = publisher.begin()) {
                bothStarted.countDown();
                await(bothStarted);
                publisher.current().count("CallsPermitted");
            }
        };
        Thread a = new Thread(invocation);
        Thread b = new Thread(invocation);
        a.start();
        b.start();
        a.join(10_000);
        b.join(10_000);
        assertEquals(2, documents.size());
        for (String document : documents) {
            assertEquals(1.0, EmfDocument.parse(document).orElseThrow().metric("CallsPermitted", CIRCUIT)
                    .orElseThrow().sum());
        }
    }

    @Test
    void aNestedInvocationHandsTheThreadBackToTheEnclosingOne() {
        MetricsPublisher publisher = publisher();
        try (InvocationMetrics outer = publisher.begin()) {
            try (InvocationMetrics inner = publisher.begin()) {
                publisher.current().count("Inner");
            }
            assertSame(outer, publisher.current());
            publisher.current().count("Outer");
        }
        assertEquals(2, documents.size());
    }

    @Test
    void closingTwicePublishesOnce() {
        MetricsPublisher publisher = publisher();
        InvocationMetrics metrics = publisher.begin();
        metrics.count("CallsPermitted");
        metrics.close();
        metrics.close();
        assertEquals(1, documents.size());
    }

    @Test
    void aFailingSinkIsLoggedAsOneLineAndCountedAndTheCallerGoesOn() throws IOException {
        MetricsPublisher publisher = MetricsPublisher.toLines("LabTest", CIRCUIT, line -> {
            throw new IllegalStateException("stdout closed");
        }, log);
        for (int i = 0; i < 2; i++) {
            try (InvocationMetrics metrics = publisher.begin()) {
                metrics.requestId("req-" + i);
                metrics.count("CallsPermitted");
            }
        }
        assertEquals(2, publisher.failedFlushes());
        assertEquals(0, publisher.publishedDocuments());
        assertEquals(2, logLines.size(), () -> "one line per failure: " + logLines);
        JsonNode line = Json.MAPPER.readTree(logLines.get(1));
        assertEquals("WARN", line.path("level").asText());
        assertEquals("metrics not published", line.path("message").asText());
        assertEquals("java.lang.IllegalStateException", line.path("errorType").asText());
        assertEquals("stdout closed", line.path("errorMessage").asText());
        assertEquals("req-1", line.path("requestId").asText());
        assertEquals("CallsPermitted", line.path("metrics").asText());
        assertEquals(2, line.path("failedFlushes").asInt());
        assertTrue(line.path("stackTrace").isMissingNode());
    }

    @Test
    void aValueCloudWatchWouldRejectIsCountedNotThrown() {
        MetricsPublisher publisher = publisher();
        try (InvocationMetrics metrics = publisher.begin()) {
            metrics.gauge("CircuitState", Double.NaN);
        }
        assertEquals(1, publisher.failedFlushes());
        assertTrue(documents.isEmpty());
    }

    @Test
    void theNamespaceComesFromTheEnvironmentOrDefaults() {
        assertEquals("CircuitBreakerLab", MetricsPublisher.namespaceFrom(Map.of()));
        assertEquals("CircuitBreakerLab", MetricsPublisher.namespaceFrom(Map.of("METRICS_NAMESPACE", " ")));
        assertEquals("Lab/Staging", MetricsPublisher.namespaceFrom(Map.of("METRICS_NAMESPACE", "Lab/Staging")));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> MetricsPublisher.namespaceFrom(Map.of("METRICS_NAMESPACE", "no spaces allowed")));
        assertTrue(bad.getMessage().contains("METRICS_NAMESPACE"), bad.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> MetricsPublisher.namespaceFrom(Map.of("METRICS_NAMESPACE", "AWS/Lambda")));
        assertTrue(reserved.getMessage().contains("AWS/"), reserved.getMessage());
        assertEquals("downstream", MetricsPublisher.serviceFrom(Map.of(), "downstream"));
        assertEquals("orders", MetricsPublisher.serviceFrom(Map.of("SERVICE_NAME", "orders"), "downstream"));
    }

    @Test
    void aDimensionCloudWatchWouldRejectFailsConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsPublisher.toLines("LabTest", Map.of("Service", ""), documents::add, log));
        assertTrue(e.getMessage().contains("dimension"), e.getMessage());
    }

    @Test
    void toStdoutWritesThroughTheSystemOutOfTheMoment() {
        MetricsPublisher publisher = MetricsPublisher.toStdout("LabTest", Map.of("Service", "downstream"), log);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (InvocationMetrics metrics = publisher.begin()) {
                metrics.count("RequestsServed");
            }
        } finally {
            System.setOut(original);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals(1, lines.length);
        EmfDocument doc = EmfDocument.parse(lines[0]).orElseThrow();
        assertEquals(1.0, doc.metric("RequestsServed", Map.of("Service", "downstream")).orElseThrow().sum());
    }

    @Test
    void primingWritesNothing() {
        MetricsPublisher publisher = publisher();
        publisher.prime();
        assertTrue(documents.isEmpty());
        assertEquals(0, publisher.failedFlushes());
        assertFalse(publisher.current().names().contains("Primed"));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
