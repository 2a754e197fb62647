package dev.circuitlab.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfDocumentTest {

    @Test
    void readsNamespaceDimensionsUnitsValuesTimestampAndProperties() {
        String line = """
                {"_aws":{"Timestamp":1700000000123,"CloudWatchMetrics":[{"Namespace":"Lab",\
                "Dimensions":[["CircuitId"],["CircuitId","Stage"]],\
                "Metrics":[{"Name":"CallsFailed","Unit":"Count"},{"Name":"StateStoreLatency","Unit":"Milliseconds"},\
                {"Name":"NoUnit"}]}]},\
                "CircuitId":"c1","Stage":"beta","CallsFailed":2,"StateStoreLatency":[4,9.5],"NoUnit":1,\
                "requestId":"r-9"}""";
        EmfDocument doc = EmfDocument.parse(line).orElseThrow();
        assertEquals(1700000000123L, doc.timestamp());
        assertEquals(6, doc.metrics().size(), "three metrics under two dimension sets");
        EmfDocument.Metric failed = doc.metric("CallsFailed", Map.of("CircuitId", "c1")).orElseThrow();
        assertEquals("Lab", failed.namespace());
        assertEquals("Count", failed.unit());
        assertEquals(2.0, failed.sum());
        assertEquals(List.of(4.0, 9.5),
                doc.metric("StateStoreLatency", Map.of("CircuitId", "c1", "Stage", "beta")).orElseThrow().values());
        assertEquals("None", doc.metric("NoUnit", Map.of("CircuitId", "c1")).orElseThrow().unit());
        assertEquals("r-9", doc.property("requestId").orElseThrow());
        assertEquals(List.of("CallsFailed", "StateStoreLatency", "NoUnit"), List.copyOf(doc.metricNames()));
    }

    @Test
    void linesThatAreNotEmfAreIgnored() {
        for (String line : new String[] {
                null, "", "plain text", "START RequestId: 1 Version: $LATEST",
                "{\"level\":\"INFO\",\"message\":\"upstream call\"}",
                "{\"_aws\":", "[1,2]",
                "{\"_aws\":{\"CloudWatchMetrics\":[]}}",
                "{\"_aws\":{\"Timestamp\":\"soon\",\"CloudWatchMetrics\":[]}}",
                "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Dimensions\":[],\"Metrics\":[]}]}}",
                "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[\"A\"],\"Metrics\":[]}]}}",
        }) {
            assertTrue(EmfDocument.parse(line).isEmpty(), () -> "should be ignored: " + line);
        }
    }

    @Test
    void metricsWithoutNumericValuesAndDimensionSetsWithoutValuesAreLeftOut() {
        String line = "{\"_aws\":{\"Timestamp\":5,\"CloudWatchMetrics\":[{\"Namespace\":\"N\","
                + "\"Dimensions\":[[\"Service\"],[\"Missing\"]],"
                + "\"Metrics\":[{\"Name\":\"Good\"},{\"Name\":\"Text\"},{\"Name\":\"Absent\"},{\"Name\":\"Mixed\"}]}]},"
                + "\"Service\":\"downstream\",\"Good\":1,\"Text\":\"x\",\"Mixed\":[1,\"a\"]}";
        EmfDocument doc = EmfDocument.parse(line).orElseThrow();
        assertEquals(1, doc.metrics().size());
        assertEquals(Map.of("Service", "downstream"), doc.metrics().get(0).dimensions());
    }

    @Test
    void aDirectiveWithNoDimensionSetsYieldsDimensionlessMetrics() {
        String line = "{\"_aws\":{\"Timestamp\":5,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[],"
                + "\"Metrics\":[{\"Name\":\"M\",\"Unit\":\"Count\"}]}]},\"M\":3}";
        assertEquals(Map.of(), EmfDocument.parse(line).orElseThrow().metrics().get(0).dimensions());
    }

    @Test
    void readsWhatTheLibraryWrites() {
        List<String> lines = new java.util.ArrayList<>();
        MetricsPublisher publisher = MetricsPublisher.toLines("CircuitBreakerLab", Map.of("Service", "downstream"),
                lines::add, new StructuredLog("t", l -> { }));
        try (InvocationMetrics metrics = publisher.begin()) {
            metrics.count("FaultsInjected");
            metrics.milliseconds("Latency", 12);
        }
        EmfDocument doc = EmfDocument.parse(lines.get(0)).orElseThrow();
        assertEquals(1.0, doc.metric("FaultsInjected", Map.of("Service", "downstream")).orElseThrow().sum());
        assertEquals(List.of(12.0), doc.metric("Latency", Map.of("Service", "downstream")).orElseThrow().values());
    }
}
