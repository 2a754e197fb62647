package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Regressions against a real DynamoDB-API server, each once a defect: writes whose answer was lost
 * while another environment wrote before the SDK's retry, and items written by hand or by an older
 * version of the breaker (no {@code version}, no {@code probeOwners}).
 */
@ExtendWith(DynamoDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LostAnswersAndOldItemsTest {

    private static final long T0 = 1_800_000_000_000L;

    private final InjectedFaults faults = new InjectedFaults();
    /** Fault-injected: the instance under test uses it. */
    private DynamoDbClient client;
    /** Clean: every other instance, and the raw item writes, use it. */
    private DynamoDbClient otherClient;
    private String table;

    private MutableClock clock;
    private RecordingListener listener;
    private RecordingListener otherListener;
    private String circuitId;

    @BeforeAll
    void createTable(DynamoDbEndpoint endpoint) {
        client = endpoint.client(faults);
        otherClient = endpoint.client();
        table = DynamoDbEndpoint.uniqueTableName("lost-answers");
        otherClient.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
    }

    @AfterAll
    void close() {
        client.close();
        otherClient.close();
    }

    @BeforeEach
    void freshCircuit() {
        circuitId = "old-" + UUID.randomUUID().toString().substring(0, 8);
        clock = new MutableClock(T0);
        listener = new RecordingListener();
        otherListener = new RecordingListener();
        faults.disarm();
    }

    private static CircuitBreakerConfig.Builder policy() {
        return CircuitBreakerConfig.builder().flushInterval(Duration.ZERO).failureThreshold(5).openDuration(Duration.ofSeconds(30))
                .halfOpenProbes(1).successThreshold(2).callTimeout(Duration.ofSeconds(2));
    }

    private CircuitBreaker underTest(CircuitBreakerConfig config) {
        return TestBreakers.create(circuitId, config, new DynamoDbCircuitStateStore(client, table), clock, listener);
    }

    private CircuitBreaker other(CircuitBreakerConfig config) {
        return TestBreakers.create(circuitId, config, new DynamoDbCircuitStateStore(otherClient, table), clock,
                otherListener);
    }

    private static void call(CircuitBreaker b, CallOutcome outcome) {
        Permission p = b.acquirePermission();
        assertTrue(p.permitted(), "expected a permitted call but the circuit was " + p.state());
        b.onResult(p, outcome);
    }

    private static final CallOutcome FAILURE = CallOutcome.failure(FailureReason.ERROR);

    /** Trips the circuit, waits out the cool-down, and lets one probe succeed (1 of the successes needed). */
    private Permission halfOpenWithOneSuccessThenSecondProbe(CircuitBreaker b) {
        for (int i = 0; i < 5; i++) {
            call(b, FAILURE);
        }
        clock.advance(Duration.ofSeconds(30));
        call(b, CallOutcome.success());
        clock.advance(Duration.ofMillis(10));
        Permission second = b.acquirePermission();
        assertTrue(second.isProbe());
        return second;
    }

    /**
     * Regression: probe 2's success was applied (2 of 2 successes, slot freed) but its answer lost;
     * before the SDK retried, another environment claimed the freed slot, so the retry was refused
     * and nobody closed: the circuit sat in HALF_OPEN with enough successes until a probe failed.
     */
    @Test
    void anAppliedProbeSuccessWhoseAnswerWasLostStillCloses() {
        CircuitBreaker b = underTest(policy().build());
        CircuitBreaker o = other(policy().build());
        Permission second = halfOpenWithOneSuccessThenSecondProbe(b);
        AtomicReference<Permission> othersClaim = new AtomicReference<>();
        faults.loseResponseOfNext("UpdateItem", () -> {
            clock.advance(Duration.ofMillis(1));
            othersClaim.set(o.acquirePermission());
        });
        b.onResult(second, CallOutcome.success());

        assertEquals(0, faults.pendingLoss(), "the fault was injected");
        assertTrue(othersClaim.get().permitted(), "the other environment's call went ahead: " + othersClaim.get());
        assertEquals(CircuitState.CLOSED, b.snapshot().state(), "2 of 2 successes close the circuit");
        assertEquals(1, listener.transitionsTo(CircuitState.CLOSED) + otherListener.transitionsTo(CircuitState.CLOSED),
                "closed once, by whichever environment saw 2 of 2 first");
    }

    /**
     * Regression: the same, but the new claim wrote the same lease value (same millisecond). The
     * success update checked the lease value, so its retry applied a second time and freed the new
     * owner's slot while that probe was in flight, letting a third caller probe too.
     */
    @Test
    void aRetriedProbeSuccessNeverFreesAnotherOwnersSlot() {
        CircuitBreakerConfig config = policy().successThreshold(3).build();
        CircuitBreaker b = underTest(config);
        CircuitBreaker o = other(config);
        Permission second = halfOpenWithOneSuccessThenSecondProbe(b);
        AtomicReference<Permission> othersClaim = new AtomicReference<>();
        faults.loseResponseOfNext("UpdateItem", () -> othersClaim.set(o.acquirePermission()));
        b.onResult(second, CallOutcome.success());

        assertEquals(second.probeLease(), othersClaim.get().probeLease(), "the two leases coincide");
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.HALF_OPEN, s.state());
        assertEquals(2, s.halfOpenSuccesses(), "the retried success counted once");
        assertEquals(1, s.probesInFlight(clock.millis()), "the other environment's probe still owns the slot");
        assertFalse(other(config).acquirePermission().permitted(), "no third probe while the second runs");
    }

    /**
     * Regression: an applied transition went unreported. The close PutItem was applied and its
     * answer lost; another environment then restarted the failure window (another PutItem) before
     * the retry, so the re-read no longer showed the closer's write token and it took its win for
     * a loss: no transition event, no metric.
     */
    @Test
    void anAppliedCloseWhoseAnswerWasLostIsReportedEvenAfterAnotherWrite() {
        CircuitBreakerConfig config = policy().successThreshold(1).build();
        CircuitBreaker b = underTest(config);
        CircuitBreaker o = other(config);
        for (int i = 0; i < 5; i++) {
            call(b, FAILURE);
        }
        clock.advance(Duration.ofSeconds(30));
        Permission probe = b.acquirePermission();
        assertTrue(probe.isProbe());
        faults.loseResponseOfNext("PutItem", () -> call(o, FAILURE)); // the first failure of a new window: a PutItem
        b.onResult(probe, CallOutcome.success());

        assertEquals(0, faults.pendingLoss(), "the fault was injected");
        assertEquals(CircuitState.CLOSED, b.snapshot().state());
        assertEquals(1, b.snapshot().failureCount(), "the other environment's failure came after the close");
        assertEquals(1, listener.transitionsTo(CircuitState.CLOSED), "the closer reports its own transition");
    }

    private void putRawItem(Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put("circuitId", AttributeValue.fromS(circuitId));
        otherClient.putItem(PutItemRequest.builder().tableName(table).item(item).build());
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Regression: an item without {@code version} (made by hand) could not be reset: every write expected no item. */
    @Test
    void aHandMadeForcedOpenItemWithoutAVersionCanBeReset() {
        putRawItem(Map.of("state", AttributeValue.fromS("FORCED_OPEN")));
        CircuitBreaker b = underTest(policy().build());
        assertFalse(b.acquirePermission().permitted());
        CircuitSnapshot reset = b.reset();
        assertEquals(CircuitState.CLOSED, reset.state());
        assertEquals(CircuitState.CLOSED, b.snapshot().state());
        assertEquals(1, b.snapshot().version());
    }

    /** Regression: failures on a hand-made CLOSED item without {@code version} were never counted (10 failures, 50 conflicts, count 0). */
    @Test
    void failuresOnAHandMadeClosedItemWithoutAVersionAreCountedAndTrip() {
        putRawItem(Map.of("state", AttributeValue.fromS("CLOSED"), "failureCount", n(0), "windowStart", n(T0 - 1000)));
        CircuitBreaker b = underTest(policy().build());
        for (int i = 0; i < 5; i++) {
            call(b, FAILURE);
        }
        assertEquals(CircuitState.OPEN, b.snapshot().state());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
        assertTrue(listener.conflicts.get() <= 1, "conflicts: " + listener.conflicts.get());
    }

    /**
     * An item written before calls were counted has {@code recentFailures} (with an expired bucket)
     * but no {@code recentCalls} / {@code recentSlowCalls}: the first update with a rate threshold,
     * which also removes the expired bucket from every map, adds the missing maps once and counts.
     */
    @Test
    void anItemWithoutTheCallMapsCountsCallsOnceARateIsSet() {
        long oldBucket = T0 - 3_600_000;
        putRawItem(Map.of("state", AttributeValue.fromS("CLOSED"), "version", n(2),
                "recentFailures", AttributeValue.fromM(Map.of(java.time.Instant.ofEpochMilli(oldBucket).toString(), n(3))),
                "probeLeases", AttributeValue.fromM(Map.of()), "probeOwners", AttributeValue.fromM(Map.of())));
        CircuitBreaker b = underTest(policy().failureRateThreshold(50).minimumCalls(4).build());
        call(b, CallOutcome.success());
        call(b, CallOutcome.success());
        call(b, FAILURE);
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(new OutcomeCounts(3, 1, 0), s.outcomesWithin(T0, 60_000, 6_000), s.toString());
        assertFalse(s.recentFailures().containsKey(oldBucket), "the expired bucket is gone: " + s);
        call(b, FAILURE);
        assertEquals(CircuitState.OPEN, b.snapshot().state(), "2 of 4 calls failed");
    }

    /** Regression: a hand-made OPEN item without {@code version} never left OPEN. */
    @Test
    void aHandMadeOpenItemWithoutAVersionLetsAProbeGoAfterItsRetryTime() {
        putRawItem(Map.of("state", AttributeValue.fromS("OPEN"), "retryAt", n(T0 - 1)));
        CircuitBreaker b = underTest(policy().build());
        Permission p = b.acquirePermission();
        assertTrue(p.isProbe());
        assertEquals(CircuitState.HALF_OPEN, b.snapshot().state());
    }

    /**
     * Regression: a HALF_OPEN item written before {@code probeOwners} existed wedged: the claim's
     * {@code SET probeOwners.0} is an invalid document path, so every call became a store error and
     * the item never changed until an operator reset it (a rolling upgrade during HALF_OPEN).
     */
    @Test
    void aHalfOpenItemWithoutProbeOwnersStillAdmitsAProbe() {
        putRawItem(Map.of("state", AttributeValue.fromS("HALF_OPEN"), "version", n(3),
                "probeLeases", AttributeValue.fromM(Map.of()), "halfOpenSuccesses", n(0)));
        CircuitBreaker b = underTest(policy().build());
        Permission p = b.acquirePermission();
        assertTrue(p.isProbe(), "a probe goes: " + p);
        assertEquals(0, listener.storeErrors.get());
        b.onResult(p, CallOutcome.success());
        assertEquals(1, b.snapshot().halfOpenSuccesses());
    }

    /** The same, for an item that has neither probe map. */
    @Test
    void aHalfOpenItemWithoutAnyProbeMapStillAdmitsAProbe() {
        putRawItem(Map.of("state", AttributeValue.fromS("HALF_OPEN"), "version", n(3)));
        CircuitBreaker b = underTest(policy().build());
        assertTrue(b.acquirePermission().isProbe());
        assertEquals(0, listener.storeErrors.get());
    }

    // ---------------------------------------------------------------- requests applied while every answer was lost

    /**
     * Regression: the successThreshold-th probe success was applied (2 of 2, slot freed) but the
     * answer of every SDK attempt was lost, so the breaker took it for a store error and nobody
     * closed; the next caller was admitted as a probe of the same episode, and its failure re-opened
     * the circuit. Now the next caller that sees enough successes closes.
     */
    @Test
    void anEpisodeThatCountedEnoughSuccessesIsNotReopenedByALaterProbe() {
        CircuitBreaker b = underTest(policy().build());
        CircuitBreaker o = other(policy().build());
        Permission second = halfOpenWithOneSuccessThenSecondProbe(b);
        faults.loseEveryAnswerOfNext("UpdateItem");
        b.onResult(second, CallOutcome.success());
        assertTrue(faults.lostAttempts() >= 2, "the SDK retried: " + faults.lostAttempts());
        CircuitSnapshot applied = o.snapshot();
        assertTrue(applied.state() == CircuitState.CLOSED || applied.halfOpenSuccesses() == 2, "the success was applied: " + applied);

        clock.advance(Duration.ofMillis(10));
        Permission next = o.acquirePermission();
        if (next.permitted()) {
            o.onResult(next, FAILURE); // the downstream hiccups once
        }
        assertNotEquals(CircuitState.OPEN, o.snapshot().state(), "2 of 2 successes were counted in the episode, "
                + "yet the next caller was " + next + " and its failure re-opened the circuit");
    }

    /**
     * Regression: an applied trip whose every answer was lost was never reported (one report per
     * applied transition is promised). A store error on a whole-state write now reads once and
     * recognises the write by its token.
     */
    @Test
    void anAppliedTripWhoseAnswersWereAllLostIsReported() {
        CircuitBreaker b = underTest(policy().build());
        for (int i = 0; i < 4; i++) {
            call(b, FAILURE);
        }
        faults.loseEveryAnswerOfNext("PutItem");
        call(b, FAILURE);
        assertTrue(faults.lostAttempts() >= 2, "the SDK retried: " + faults.lostAttempts());
        assertEquals(CircuitState.OPEN, other(policy().build()).snapshot().state(), "the trip was applied");
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN), "the applied CLOSED -> OPEN was reported "
                + listener.transitionsTo(CircuitState.OPEN) + " times");
    }

    /**
     * Regression: an item a person half-edited (a lastTransition without "from") is unreadable:
     * every call is a store error (fail-open), and the operator could not repair it through the
     * breaker either, because reset() read the item before its conditional write. Now an operator's
     * action replaces an unreadable item.
     */
    @Test
    void anOperatorCanResetAnItemTheBreakerCannotRead() {
        putRawItem(Map.of("state", AttributeValue.fromS("OPEN"), "version", n(4),
                "lastTransition", AttributeValue.fromM(Map.of("to", AttributeValue.fromS("OPEN")))));
        CircuitBreaker b = underTest(policy().build());
        b.acquirePermission();
        assertEquals(1, listener.storeErrors.get(), "the item cannot be read");
        CircuitSnapshot reset = assertDoesNotThrow(b::reset, "the operator's reset of an unreadable item");
        assertEquals(CircuitState.CLOSED, reset.state());
    }
}
