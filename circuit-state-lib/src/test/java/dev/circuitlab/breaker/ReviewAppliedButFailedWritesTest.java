package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Review findings against dynalite: a request DynamoDB applied whose every attempt's answer was
 * lost (the first attempt applied; the SDK's retries all time out or fail too). The SDK then
 * throws, the breaker takes it for a store error, and never learns that its write is in the item.
 */
@ExtendWith(DynamoDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewAppliedButFailedWritesTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final CallOutcome FAILURE = CallOutcome.failure(FailureReason.ERROR);

    /** Loses the answer of every attempt (the SDK's retries included) of the next call of one operation. */
    static final class LoseEveryAttempt implements ExecutionInterceptor {
        private static final ExecutionAttribute<Boolean> LOST = new ExecutionAttribute<>("review-lost-every-attempt");
        private volatile String operation;
        final AtomicInteger lostAttempts = new AtomicInteger();

        void armFor(String op) {
            operation = op;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME).equals(operation)) {
                operation = null;
                attributes.putAttribute(LOST, Boolean.TRUE); // this execution, every attempt
            }
        }

        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
            if (Boolean.TRUE.equals(attributes.getAttribute(LOST))) {
                lostAttempts.incrementAndGet();
                return context.httpResponse().toBuilder().statusCode(500).statusText("Internal Server Error")
                        .removeHeader("x-amz-crc32").removeHeader("X-Amz-Crc32").build();
            }
            return context.httpResponse();
        }

        @Override
        public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                               ExecutionAttributes attributes) {
            if (Boolean.TRUE.equals(attributes.getAttribute(LOST))) {
                return Optional.of(new ByteArrayInputStream(
                        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"injected: answer lost\"}"
                                .getBytes(StandardCharsets.UTF_8)));
            }
            return context.responseBody();
        }
    }

    private final LoseEveryAttempt faults = new LoseEveryAttempt();
    private DynamoDbClient client;
    private DynamoDbClient otherClient;
    private String table;
    private MutableClock clock;
    private RecordingListener listener;
    private String circuitId;

    @BeforeAll
    void createTable(DynamoDbEndpoint endpoint) {
        client = endpoint.client(faults);
        otherClient = endpoint.client();
        table = DynamoDbEndpoint.uniqueTableName("review-applied");
        otherClient.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
    }

    @AfterAll
    void close() {
        client.close();
        otherClient.close();
    }

    @BeforeEach
    void freshCircuit() {
        circuitId = "rv-" + UUID.randomUUID().toString().substring(0, 8);
        clock = new MutableClock(T0);
        listener = new RecordingListener();
        faults.armFor(null);
        faults.lostAttempts.set(0);
    }

    private static CircuitBreakerConfig.Builder policy() {
        return CircuitBreakerConfig.builder().failureThreshold(5).openDuration(Duration.ofSeconds(30))
                .halfOpenProbes(1).successThreshold(2).callTimeout(Duration.ofSeconds(2));
    }

    private CircuitBreaker underTest() {
        return CircuitBreaker.create(circuitId, policy().build(), new DynamoDbCircuitStateStore(client, table), clock, listener);
    }

    private CircuitBreaker other() {
        return CircuitBreaker.create(circuitId, policy().build(), new DynamoDbCircuitStateStore(otherClient, table), clock,
                new RecordingListener());
    }

    private static void call(CircuitBreaker b, CallOutcome outcome) {
        Permission p = b.acquirePermission();
        assertTrue(p.permitted(), "expected a permitted call but got " + p);
        b.onResult(p, outcome);
    }

    /**
     * The successThreshold-th probe success is applied (2 of 2, slot freed) but every answer is
     * lost: nobody closes. The next caller is admitted as a probe of the same episode instead of
     * the circuit closing, and when that probe fails the circuit re-opens (with backoff) although
     * the episode already counted enough successes.
     */
    @Test
    void anEpisodeThatCountedEnoughSuccessesIsNotReopenedByALaterProbe() {
        CircuitBreaker b = underTest();
        CircuitBreaker o = other();
        for (int i = 0; i < 5; i++) {
            call(b, FAILURE);
        }
        clock.advance(Duration.ofSeconds(30));
        call(b, CallOutcome.success()); // 1 of 2
        clock.advance(Duration.ofMillis(10));
        Permission second = b.acquirePermission();
        assertTrue(second.isProbe());

        faults.armFor("UpdateItem");
        b.onResult(second, CallOutcome.success());
        assertTrue(faults.lostAttempts.get() >= 2, "the SDK retried: " + faults.lostAttempts.get());
        assertEquals(1, listener.storeErrors.get(), "the breaker took the applied success for a store error");
        CircuitSnapshot afterSuccess = o.snapshot();
        assertEquals(2, afterSuccess.halfOpenSuccesses(), "the success was applied");

        clock.advance(Duration.ofMillis(10));
        Permission next = o.acquirePermission();
        if (next.permitted()) {
            o.onResult(next, FAILURE); // the downstream hiccups once
        }
        assertNotEquals(CircuitState.OPEN, o.snapshot().state(), "2 of 2 successes were counted in the episode, "
                + "yet the next caller was " + next + " and its failure re-opened the circuit");
    }

    /** An applied trip whose every answer was lost is never reported (docs promise one report per applied transition). */
    @Test
    void anAppliedTripWhoseAnswersWereAllLostIsReported() {
        CircuitBreaker b = underTest();
        for (int i = 0; i < 4; i++) {
            call(b, FAILURE);
        }
        faults.armFor("PutItem");
        call(b, FAILURE);
        assertTrue(faults.lostAttempts.get() >= 2, "the SDK retried: " + faults.lostAttempts.get());
        assertEquals(CircuitState.OPEN, other().snapshot().state(), "the trip was applied");
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN), "the applied CLOSED -> OPEN was reported "
                + listener.transitionsTo(CircuitState.OPEN) + " times");
    }

    /**
     * An item a person half-edited (a lastTransition without "from") is unreadable: every call is a
     * store error (fail-open for ever, G4 holds), and the operator cannot repair it through the
     * breaker either, because reset() reads the item before its conditional write.
     */
    @Test
    void anOperatorCanResetAnItemTheBreakerCannotRead() {
        otherClient.putItem(PutItemRequest.builder().tableName(table).item(Map.of(
                "circuitId", AttributeValue.fromS(circuitId), "state", AttributeValue.fromS("OPEN"), "version", AttributeValue.fromN("4"),
                "lastTransition", AttributeValue.fromM(Map.of("to", AttributeValue.fromS("OPEN"))))).build());
        CircuitBreaker b = underTest();
        b.acquirePermission();
        assertEquals(1, listener.storeErrors.get(), "the item cannot be read");
        CircuitSnapshot reset = org.junit.jupiter.api.Assertions.assertDoesNotThrow(b::reset,
                "the operator's reset of an unreadable item");
        assertEquals(CircuitState.CLOSED, reset.state());
    }
}
