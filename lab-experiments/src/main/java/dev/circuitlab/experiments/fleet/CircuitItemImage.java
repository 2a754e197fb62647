package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.Transition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB item {@code DynamoDbCircuitStateStore} writes for a snapshot, attribute for
 * attribute (the layout of its {@code CircuitItem}; absent values are not written), so its size,
 * and with it the units each request costs, is the real one. The cross-check test compares this
 * with the item the real store leaves on dynalite.
 */
public final class CircuitItemImage {

    private CircuitItemImage() {
    }

    public static Map<String, AttributeValue> of(CircuitSnapshot s) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("circuitId", AttributeValue.fromS(s.circuitId()));
        item.put("state", AttributeValue.fromS(s.state().name()));
        item.put("recentFailures", window(s.recentFailures()));
        item.put("recentCalls", window(s.recentCalls()));
        item.put("recentSlowCalls", window(s.recentSlowCalls()));
        item.put("openedAt", num(s.openedAt()));
        item.put("retryAt", num(s.retryAt()));
        item.put("consecutiveOpens", num(s.consecutiveOpens()));
        Map<String, AttributeValue> leases = new LinkedHashMap<>();
        s.probeLeases().forEach((slot, expiry) -> leases.put(slot.toString(), num(expiry)));
        item.put("probeLeases", AttributeValue.fromM(leases));
        item.put("halfOpenSuccesses", num(s.halfOpenSuccesses()));
        item.put("version", num(s.version()));
        item.put("updatedAt", num(s.updatedAt()));
        Transition t = s.lastTransition();
        if (t != null) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            m.put("from", AttributeValue.fromS(t.from().name()));
            m.put("to", AttributeValue.fromS(t.to().name()));
            m.put("reason", AttributeValue.fromS(t.reason() == null ? "" : t.reason()));
            m.put("at", AttributeValue.fromS(Instant.ofEpochMilli(t.at()).toString()));
            item.put("lastTransition", AttributeValue.fromM(m));
        }
        if (s.writeToken() != null) {
            item.put("writeToken", AttributeValue.fromS(s.writeToken()));
        }
        if (s.previousWriteToken() != null) {
            item.put("previousWriteToken", AttributeValue.fromS(s.previousWriteToken()));
        }
        Map<String, AttributeValue> owners = new LinkedHashMap<>();
        s.probeOwners().forEach((slot, owner) -> owners.put(slot.toString(), AttributeValue.fromS(owner)));
        item.put("probeOwners", AttributeValue.fromM(owners));
        item.put("probeRevision", num(s.probeRevision()));
        return item;
    }

    private static AttributeValue window(Map<Long, Long> buckets) {
        Map<String, AttributeValue> window = new LinkedHashMap<>();
        buckets.forEach((bucket, n) -> window.put(Instant.ofEpochMilli(bucket).toString(), num(n)));
        return AttributeValue.fromM(window);
    }

    private static AttributeValue num(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }
}
