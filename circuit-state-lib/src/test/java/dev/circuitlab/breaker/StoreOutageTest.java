package dev.circuitlab.breaker;

import dev.circuitlab.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.DynamoDbEndpoint;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A failing state store never takes the caller down (docs/DESIGN.md §3, G4). */
class StoreOutageTest {

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);
    private final RecordingListener listener = new RecordingListener();

    private static DynamoDbClient clientFor(URI endpoint) {
        return DynamoDbEndpoint.clientBuilder(endpoint)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(Duration.ofSeconds(2)).build())
                .build();
    }

    /** Loopback port 1: nothing listens there, so every request is refused at once. */
    private static final URI CLOSED_PORT = URI.create("http://127.0.0.1:1");

    private CircuitBreaker breaker(DynamoDbClient client, String table, StoreFailurePolicy policy) {
        // Refresh 0: every call asks the store, so each one meets the outage.
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().failureThreshold(3).refreshInterval(Duration.ZERO).flushInterval(Duration.ZERO)
                .storeFailurePolicy(policy).build();
        return TestBreakers.create("outage", config, new DynamoDbCircuitStateStore(client, table), clock, listener);
    }

    @Test
    void unreachableStoreFailsOpenByDefaultAndCountsTheError() {
        try (DynamoDbClient client = clientFor(CLOSED_PORT)) {
            CircuitBreaker b = breaker(client, "CircuitState", StoreFailurePolicy.FAIL_OPEN);
            Permission p = b.acquirePermission();
            assertTrue(p.permitted(), "fail-open permits");
            assertTrue(p.local(), "decided by the in-memory fallback");
            b.onResult(p, CallOutcome.success());
            assertTrue(listener.storeErrors.get() >= 1, "store errors are reported");
        }
    }

    @Test
    void fallbackBreakerStillTripsOnDownstreamFailuresDuringAnOutage() {
        try (DynamoDbClient client = clientFor(CLOSED_PORT)) {
            CircuitBreaker b = breaker(client, "CircuitState", StoreFailurePolicy.FAIL_OPEN);
            for (int i = 0; i < 3; i++) {
                Permission p = b.acquirePermission();
                assertTrue(p.permitted());
                b.onResult(p, CallOutcome.failure(FailureReason.TIMEOUT));
            }
            Permission rejected = b.acquirePermission();
            assertFalse(rejected.permitted(), "the instance-local breaker opened");
            assertEquals(CircuitState.OPEN, rejected.state());
            assertEquals(0, listener.transitions.size(), "a local trip is not a fleet-wide transition");
            assertEquals(1, listener.localTransitions.size());
        }
    }

    @Test
    void unreachableStoreFailsClosedWhenConfigured() {
        try (DynamoDbClient client = clientFor(CLOSED_PORT)) {
            CircuitBreaker b = breaker(client, "CircuitState", StoreFailurePolicy.FAIL_CLOSED);
            Permission p = b.acquirePermission();
            assertFalse(p.permitted());
            assertTrue(p.local(), "decided without the shared state");
            assertTrue(p.retryAt() > clock.millis());
            assertEquals(1, listener.storeErrors.get());
        }
    }

    @Test
    void adminOperationsReportTheOutageToTheirCaller() {
        try (DynamoDbClient client = clientFor(CLOSED_PORT)) {
            CircuitBreaker b = breaker(client, "CircuitState", StoreFailurePolicy.FAIL_OPEN);
            assertThrows(CircuitStateStoreException.class, b::reset);
            assertThrows(CircuitStateStoreException.class, b::snapshot);
        }
    }

    @Test
    void storeStoppedMidRunThenCallsKeepBeingDecided() {
        try (DynaliteServer dynalite = DynaliteServer.start(DynaliteServer.projectRoot());
             DynamoDbClient client = clientFor(dynalite.endpoint())) {
            client.createTable(DynamoDbCircuitStateStore.createTableRequest("CircuitState"));
            CircuitBreaker b = breaker(client, "CircuitState", StoreFailurePolicy.FAIL_OPEN);
            Permission before = b.acquirePermission();
            assertTrue(before.permitted());
            assertFalse(before.local(), "decided by the shared store while it is up");
            b.onResult(before, CallOutcome.failure(FailureReason.ERROR));
            assertEquals(1, b.snapshot().failureCount());

            dynalite.close();
            assertFalse(dynalite.isRunning());

            for (int i = 0; i < 5; i++) {
                Permission p = b.acquirePermission();
                assertTrue(p.local(), "the fallback decides once the store is gone");
                b.onResult(p, CallOutcome.success());
                Permission soon = b.acquirePermission();
                assertTrue(soon.local(), "within the retry interval the store is not asked again");
                b.onResult(soon, CallOutcome.success());
                clock.advance(CircuitBreaker.STORE_RETRY_INTERVAL);
            }
            assertEquals(11, listener.permitted.get(), "each call is reported once");
            assertEquals(5, listener.storeErrors.get(), "one failed store request per retry interval: " + listener.storeErrors);
        }
    }

    @Test
    void throttledStoreFailsOpenAndRecoversWhenTheThrottlingStops() {
        java.util.concurrent.atomic.AtomicBoolean throttling = new java.util.concurrent.atomic.AtomicBoolean();
        // DynamoDB throttling as the SDK surfaces it, injected before the request leaves the client;
        // dynalite itself cannot throttle.
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor throttle =
                new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                                software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                        if (throttling.get()) {
                            throw software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException
                                    .builder().message("Rate of requests exceeds the allowed throughput").build();
                        }
                    }
                };
        try (DynaliteServer dynalite = DynaliteServer.start(DynaliteServer.projectRoot());
             DynamoDbClient client = DynamoDbEndpoint.clientBuilder(dynalite.endpoint(), throttle).build()) {
            client.createTable(DynamoDbCircuitStateStore.createTableRequest("CircuitState"));
            CircuitBreaker b = breaker(client, "CircuitState", StoreFailurePolicy.FAIL_OPEN);
            throttling.set(true);
            Permission during = b.acquirePermission();
            assertTrue(during.permitted());
            assertTrue(during.local());
            assertEquals(1, listener.storeErrors.get());
            throttling.set(false);
            clock.advance(CircuitBreaker.STORE_RETRY_INTERVAL);
            Permission after = b.acquirePermission();
            assertTrue(after.permitted());
            assertFalse(after.local(), "back on the shared store");
        }
    }

    @Test
    void aThrowingListenerNeverChangesADecision() {
        CircuitBreakerListener broken = new CircuitBreakerListener() {
            @Override
            public void onPermitted(String circuitId, CircuitState state, boolean probe) {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void onStoreLatency(String circuitId, String operation, long millis) {
                throw new IllegalStateException("metrics backend down");
            }
        };
        CircuitBreaker b = TestBreakers.create("listener", CircuitBreakerConfig.defaults(),
                new dev.circuitlab.breaker.internal.InMemoryCircuitStateStore(), clock, broken);
        assertTrue(b.acquirePermission().permitted());
    }
}
