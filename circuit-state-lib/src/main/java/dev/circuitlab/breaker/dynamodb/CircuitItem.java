package dev.circuitlab.breaker.dynamodb;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.Transition;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB item of one circuit. Whole-item writes go through the enhanced client with a static
 * schema ({@link Schema#TABLE}, built once, no reflection per call); reads are mapped by
 * {@link #fromAttributes}, which needs none of the enhanced client, so a cold start that only reads
 * (a healthy instance's refreshes) never builds it. A test keeps the two mappings equal.
 * Attribute names are the ones a person sees in the console; times are epoch milliseconds, and the
 * last transition also carries an ISO-8601 time for reading.
 */
final class CircuitItem {

    static final String CIRCUIT_ID = "circuitId";
    static final String STATE = "state";
    /** Failures per window bucket: ISO-8601 bucket start → count (a map, so one update adds to one key). */
    static final String RECENT_FAILURES = "recentFailures";
    /** Calls per window bucket, same keys (written only when a rate threshold is configured). */
    static final String RECENT_CALLS = "recentCalls";
    /** Slow successful calls per window bucket, same keys (only with a rate threshold). */
    static final String RECENT_SLOW_CALLS = "recentSlowCalls";
    static final String OPENED_AT = "openedAt";
    static final String RETRY_AT = "retryAt";
    static final String CONSECUTIVE_OPENS = "consecutiveOpens";
    static final String PROBE_LEASES = "probeLeases";
    static final String HALF_OPEN_SUCCESSES = "halfOpenSuccesses";
    static final String VERSION = "version";
    static final String UPDATED_AT = "updatedAt";
    static final String LAST_TRANSITION = "lastTransition";
    /** Random per whole-item write, so a writer whose response was lost can tell that it won. */
    static final String WRITE_TOKEN = "writeToken";
    /** The write token of the version before: recognises a lost-response write after one more write. */
    static final String PREVIOUS_WRITE_TOKEN = "previousWriteToken";
    /** Probe slot → random token of the caller that claimed it (lease values alone can coincide). */
    static final String PROBE_OWNERS = "probeOwners";
    /** Probe-slot changes ever made (claims, counted successes); whole-state writes are conditioned on it. */
    static final String PROBE_REVISION = "probeRevision";

    /**
     * The enhanced client's schema of the item, in its own class so that loading {@link CircuitItem}
     * (to read an item) does not build it.
     */
    static final class Schema {

        static final StaticTableSchema<CircuitItem> TABLE = StaticTableSchema.builder(CircuitItem.class)
                .newItemSupplier(CircuitItem::new)
                .addAttribute(String.class, a -> a.name(CIRCUIT_ID).getter(i -> i.circuitId).setter((i, v) -> i.circuitId = v)
                        .tags(StaticAttributeTags.primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name(STATE).getter(i -> i.state).setter((i, v) -> i.state = v))
                .addAttribute(EnhancedType.mapOf(String.class, Long.class),
                        a -> a.name(RECENT_FAILURES).getter(i -> i.recentFailures).setter((i, v) -> i.recentFailures = v))
                .addAttribute(EnhancedType.mapOf(String.class, Long.class),
                        a -> a.name(RECENT_CALLS).getter(i -> i.recentCalls).setter((i, v) -> i.recentCalls = v))
                .addAttribute(EnhancedType.mapOf(String.class, Long.class),
                        a -> a.name(RECENT_SLOW_CALLS).getter(i -> i.recentSlowCalls).setter((i, v) -> i.recentSlowCalls = v))
                .addAttribute(Long.class, a -> a.name(OPENED_AT).getter(i -> i.openedAt).setter((i, v) -> i.openedAt = v))
                .addAttribute(Long.class, a -> a.name(RETRY_AT).getter(i -> i.retryAt).setter((i, v) -> i.retryAt = v))
                .addAttribute(Integer.class, a -> a.name(CONSECUTIVE_OPENS).getter(i -> i.consecutiveOpens).setter((i, v) -> i.consecutiveOpens = v))
                .addAttribute(EnhancedType.mapOf(String.class, Long.class),
                        a -> a.name(PROBE_LEASES).getter(i -> i.probeLeases).setter((i, v) -> i.probeLeases = v))
                .addAttribute(Integer.class, a -> a.name(HALF_OPEN_SUCCESSES).getter(i -> i.halfOpenSuccesses).setter((i, v) -> i.halfOpenSuccesses = v))
                .addAttribute(Long.class, a -> a.name(VERSION).getter(i -> i.version).setter((i, v) -> i.version = v))
                .addAttribute(Long.class, a -> a.name(UPDATED_AT).getter(i -> i.updatedAt).setter((i, v) -> i.updatedAt = v))
                .addAttribute(EnhancedType.mapOf(String.class, String.class),
                        a -> a.name(LAST_TRANSITION).getter(i -> i.lastTransition).setter((i, v) -> i.lastTransition = v))
                .addAttribute(String.class, a -> a.name(WRITE_TOKEN).getter(i -> i.writeToken).setter((i, v) -> i.writeToken = v))
                .addAttribute(String.class, a -> a.name(PREVIOUS_WRITE_TOKEN).getter(i -> i.previousWriteToken)
                        .setter((i, v) -> i.previousWriteToken = v))
                .addAttribute(EnhancedType.mapOf(String.class, String.class),
                        a -> a.name(PROBE_OWNERS).getter(i -> i.probeOwners).setter((i, v) -> i.probeOwners = v))
                .addAttribute(Long.class, a -> a.name(PROBE_REVISION).getter(i -> i.probeRevision).setter((i, v) -> i.probeRevision = v))
                .build();

        private Schema() {
        }
    }

    String circuitId;
    String state;
    Map<String, Long> recentFailures;
    Map<String, Long> recentCalls;
    Map<String, Long> recentSlowCalls;
    Long openedAt;
    Long retryAt;
    Integer consecutiveOpens;
    Map<String, Long> probeLeases;
    Integer halfOpenSuccesses;
    Long version;
    Long updatedAt;
    Map<String, String> lastTransition;
    String writeToken;
    String previousWriteToken;
    Map<String, String> probeOwners;
    Long probeRevision;

    /**
     * Maps an item read with the plain client, as {@link Schema#TABLE} would: unknown attributes are
     * ignored, a missing or NULL attribute or map value is null, a number may also be a numeric
     * string and a string a number (as the enhanced client's converters allow). One difference, on
     * purpose: a string attribute or map value holding a boolean, list, set or binary is refused,
     * where the schema would take its text (no such value can be a state, a token or a reason).
     *
     * @throws IllegalArgumentException when an attribute has a type its field cannot take
     */
    static CircuitItem fromAttributes(Map<String, AttributeValue> attributes) {
        CircuitItem i = new CircuitItem();
        i.circuitId = string(attributes, CIRCUIT_ID);
        i.state = string(attributes, STATE);
        i.recentFailures = longs(attributes, RECENT_FAILURES);
        i.recentCalls = longs(attributes, RECENT_CALLS);
        i.recentSlowCalls = longs(attributes, RECENT_SLOW_CALLS);
        i.openedAt = number(attributes, OPENED_AT);
        i.retryAt = number(attributes, RETRY_AT);
        i.consecutiveOpens = integer(attributes, CONSECUTIVE_OPENS);
        i.probeLeases = longs(attributes, PROBE_LEASES);
        i.halfOpenSuccesses = integer(attributes, HALF_OPEN_SUCCESSES);
        i.version = number(attributes, VERSION);
        i.updatedAt = number(attributes, UPDATED_AT);
        i.lastTransition = strings(attributes, LAST_TRANSITION);
        i.writeToken = string(attributes, WRITE_TOKEN);
        i.previousWriteToken = string(attributes, PREVIOUS_WRITE_TOKEN);
        i.probeOwners = strings(attributes, PROBE_OWNERS);
        i.probeRevision = number(attributes, PROBE_REVISION);
        return i;
    }

    /** Reads one attribute value (null or NULL: null); {@code name} names it in an error. */
    private interface ValueReader<T> {
        T read(AttributeValue v, String name);
    }

    private static String string(Map<String, AttributeValue> attributes, String name) {
        return stringOf(attributes.get(name), name);
    }

    private static String stringOf(AttributeValue v, String name) {
        if (absent(v)) {
            return null;
        }
        if (v.s() != null) {
            return v.s();
        }
        if (v.n() != null) {
            return v.n();
        }
        throw wrongType(name, "a string", v);
    }

    private static Long number(Map<String, AttributeValue> attributes, String name) {
        return longOf(attributes.get(name), name);
    }

    private static Long longOf(AttributeValue v, String name) {
        if (absent(v)) {
            return null;
        }
        String text = v.n() != null ? v.n() : v.s();
        if (text == null) {
            throw wrongType(name, "a number", v);
        }
        return Long.parseLong(text);
    }

    private static Integer integer(Map<String, AttributeValue> attributes, String name) {
        Long n = number(attributes, name);
        return n == null ? null : Math.toIntExact(n);
    }

    private static Map<String, Long> longs(Map<String, AttributeValue> attributes, String name) {
        return map(attributes, name, CircuitItem::longOf);
    }

    private static Map<String, String> strings(Map<String, AttributeValue> attributes, String name) {
        return map(attributes, name, CircuitItem::stringOf);
    }

    private static <T> Map<String, T> map(Map<String, AttributeValue> attributes, String name, ValueReader<T> values) {
        AttributeValue v = attributes.get(name);
        if (absent(v)) {
            return null;
        }
        if (!v.hasM()) {
            throw wrongType(name, "a map", v);
        }
        Map<String, T> out = new LinkedHashMap<>();
        v.m().forEach((key, value) -> out.put(key, values.read(value, name + "." + key)));
        return out;
    }

    private static boolean absent(AttributeValue v) {
        return v == null || Boolean.TRUE.equals(v.nul());
    }

    private static IllegalArgumentException wrongType(String name, String expected, AttributeValue v) {
        return new IllegalArgumentException(name + " must be " + expected + ", not " + v.type());
    }

    static CircuitItem of(CircuitSnapshot s) {
        CircuitItem i = new CircuitItem();
        i.circuitId = s.circuitId();
        i.state = s.state().name();
        i.recentFailures = keyed(s.recentFailures());
        i.recentCalls = keyed(s.recentCalls());
        i.recentSlowCalls = keyed(s.recentSlowCalls());
        i.openedAt = s.openedAt();
        i.retryAt = s.retryAt();
        i.consecutiveOpens = s.consecutiveOpens();
        Map<String, Long> leases = new HashMap<>();
        s.probeLeases().forEach((slot, expiry) -> leases.put(slot.toString(), expiry));
        i.probeLeases = leases;
        Map<String, String> owners = new HashMap<>();
        s.probeOwners().forEach((slot, owner) -> owners.put(slot.toString(), owner));
        i.probeOwners = owners;
        i.probeRevision = s.probeRevision();
        i.writeToken = s.writeToken();
        i.previousWriteToken = s.previousWriteToken();
        i.halfOpenSuccesses = s.halfOpenSuccesses();
        i.version = s.version();
        i.updatedAt = s.updatedAt();
        Transition t = s.lastTransition();
        if (t != null) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("from", t.from().name());
            m.put("to", t.to().name());
            m.put("reason", t.reason() == null ? "" : t.reason());
            m.put("at", Instant.ofEpochMilli(t.at()).toString());
            i.lastTransition = m;
        }
        return i;
    }

    CircuitSnapshot toSnapshot() {
        Map<Integer, Long> leases = new HashMap<>();
        if (probeLeases != null) {
            probeLeases.forEach((slot, expiry) -> leases.put(Integer.valueOf(slot), expiry));
        }
        Map<Integer, String> owners = new HashMap<>();
        if (probeOwners != null) {
            probeOwners.forEach((slot, owner) -> owners.put(Integer.valueOf(slot), owner));
        }
        Transition t = null;
        if (lastTransition != null && lastTransition.containsKey("to")) {
            t = new Transition(CircuitState.valueOf(lastTransition.get("from")),
                    CircuitState.valueOf(lastTransition.get("to")), lastTransition.get("reason"),
                    Instant.parse(lastTransition.get("at")).toEpochMilli());
        }
        return CircuitSnapshot.builder(circuitId)
                .state(state == null ? CircuitState.CLOSED : CircuitState.valueOf(state))
                .recentFailures(buckets(recentFailures))
                .recentCalls(buckets(recentCalls))
                .recentSlowCalls(buckets(recentSlowCalls))
                .openedAt(n(openedAt))
                .retryAt(n(retryAt))
                .consecutiveOpens((int) n(consecutiveOpens))
                .probeLeases(leases)
                .halfOpenSuccesses((int) n(halfOpenSuccesses))
                .version(n(version))
                .updatedAt(n(updatedAt))
                .lastTransition(t)
                .probeOwners(owners)
                .probeRevision(n(probeRevision))
                .writeToken(writeToken)
                .previousWriteToken(previousWriteToken)
                .build();
    }

    private static Map<String, Long> keyed(Map<Long, Long> buckets) {
        Map<String, Long> keyed = new HashMap<>();
        buckets.forEach((bucket, n) -> keyed.put(bucketKey(bucket), n));
        return keyed;
    }

    private static Map<Long, Long> buckets(Map<String, Long> keyed) {
        Map<Long, Long> buckets = new HashMap<>();
        if (keyed != null) {
            keyed.forEach((key, n) -> buckets.put(Instant.parse(key).toEpochMilli(), n));
        }
        return buckets;
    }

    /** A window bucket's key in the window maps: its start as ISO-8601, readable in the console. */
    static String bucketKey(long bucketStart) {
        return Instant.ofEpochMilli(bucketStart).toString();
    }

    private static long n(Number v) {
        return v == null ? 0 : v.longValue();
    }
}
