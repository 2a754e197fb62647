package dev.circuitlab.breaker;

import dev.circuitlab.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Cheap when healthy (docs/DESIGN.md §3, G3), counted at the SDK: DynamoDB requests per breaker operation. */
@ExtendWith(DynamoDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestCostTest {

    private final CountingInterceptor requests = new CountingInterceptor();
    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private DynamoDbClient client;
    private String table;
    private String circuitId;

    @BeforeAll
    void createTable(DynamoDbEndpoint endpoint) {
        client = endpoint.client(requests);
        table = DynamoDbEndpoint.uniqueTableName("cost");
        client.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
    }

    @BeforeEach
    void newCircuit() {
        circuitId = "cost-" + UUID.randomUUID().toString().substring(0, 8);
        requests.reset();
    }

    private CircuitBreaker breaker(Duration cache) {
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().failureThreshold(3).refreshInterval(cache)
                .flushInterval(Duration.ZERO).build(); // every failure written at once: its own cost
        return TestBreakers.create(circuitId, config, new DynamoDbCircuitStateStore(client, table), clock);
    }

    @Test
    void healthyClosedCallCostsOneReadAndNoWrite() {
        CircuitBreaker b = breaker(Duration.ZERO);
        for (int i = 0; i < 10; i++) {
            requests.reset();
            Permission p = b.acquirePermission();
            b.onResult(p, CallOutcome.success());
            assertEquals(1, requests.reads(), "reads per healthy call: " + requests);
            assertEquals(0, requests.writes(), "writes per healthy call: " + requests);
        }
    }

    @Test
    void successWithRecentFailuresStillWritesNothing() {
        CircuitBreaker b = breaker(Duration.ZERO);
        b.onResult(b.acquirePermission(), CallOutcome.failure(FailureReason.ERROR));
        requests.reset();
        b.onResult(b.acquirePermission(), CallOutcome.success());
        assertEquals(1, requests.reads());
        assertEquals(0, requests.writes());
    }

    /**
     * A refresh of an instance's copy is an eventually consistent read (half a read unit): every
     * write is conditional, so a stale copy costs a lost race, never a wrong write. Reads that decide
     * a write's condition after a lost race, and operators' reads, are strongly consistent.
     */
    @Test
    void aRefreshIsAnEventuallyConsistentReadAndAnOperatorsReadIsStrong() {
        CircuitBreaker b = breaker(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            b.onResult(b.acquirePermission(), CallOutcome.success());
        }
        assertEquals(3, requests.reads(), "one refresh per interval: " + requests);
        assertEquals(0, requests.consistentReads(), "refreshes are eventually consistent");
        requests.reset();
        b.snapshot();
        assertEquals(1, requests.consistentReads(), "an operator reads the current state");
    }

    @Test
    void healthyClosedCallCostsNoRequestWhileTheCacheIsFresh() {
        CircuitBreaker b = breaker(Duration.ofSeconds(1));
        b.onResult(b.acquirePermission(), CallOutcome.success()); // fills the cache
        requests.reset();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMillis(50));
            b.onResult(b.acquirePermission(), CallOutcome.success());
        }
        assertEquals(0, requests.total(), "cached CLOSED read: " + requests);
        clock.advance(Duration.ofSeconds(1));
        b.acquirePermission();
        assertEquals(1, requests.reads(), "the cache expires after its period");
    }

    @Test
    void eachFailureCostsOneWriteAndTheTripOneMore() {
        CircuitBreaker b = breaker(Duration.ZERO);
        Permission p1 = b.acquirePermission();
        requests.reset();
        b.onResult(p1, CallOutcome.failure(FailureReason.ERROR));
        assertEquals(1, requests.writes(), "first failure (starts the window): " + requests);
        assertEquals(0, requests.reads());

        Permission p2 = b.acquirePermission();
        requests.reset();
        b.onResult(p2, CallOutcome.failure(FailureReason.ERROR));
        assertEquals(1, requests.writes(), "second failure (atomic ADD): " + requests);
        assertEquals(1, requests.count("UpdateItem"));

        Permission p3 = b.acquirePermission();
        requests.reset();
        b.onResult(p3, CallOutcome.failure(FailureReason.ERROR));
        assertEquals(2, requests.writes(), "threshold failure: ADD + trip: " + requests);
        assertEquals(CircuitState.OPEN, b.snapshot().state());
    }

    @Test
    void rejectionInOpenCostsAtMostOneRead() {
        CircuitBreaker b = breaker(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            b.onResult(b.acquirePermission(), CallOutcome.failure(FailureReason.ERROR));
        }
        for (int i = 0; i < 5; i++) {
            requests.reset();
            assertFalse(b.acquirePermission().permitted());
            assertEquals(1, requests.reads(), "rejection: " + requests);
            assertEquals(0, requests.writes());
        }
    }

    @Test
    void rejectionInOpenCostsNothingWhenTheCacheIsOn() {
        CircuitBreaker b = breaker(Duration.ofMillis(100));
        for (int i = 0; i < 3; i++) {
            b.onResult(b.acquirePermission(), CallOutcome.failure(FailureReason.ERROR));
        }
        requests.reset();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1)); // far beyond the cache period, still before retryAt
            assertFalse(b.acquirePermission().permitted());
        }
        assertEquals(0, requests.total(), "OPEN is cached until its retry time: " + requests);
        clock.advance(Duration.ofSeconds(30));
        assertTrue(b.acquirePermission().isProbe(), "after the retry time the store decides again");
    }
}
