package dev.circuitlab.breaker;

import dev.circuitlab.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
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
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Adversarial interleavings against a real DynamoDB-API server. Interleavings are forced
 * deterministically: several breaker instances on one circuit, a hand-moved clock, a store wrapper
 * that runs another instance's step between two requests of one operation, and an SDK interceptor
 * that throttles a request or loses the response of one that was applied.
 *
 * <p>The "Regression" tests each reproduce a defect a review found (lost trip at a window restart,
 * double-counted retried ADD, probe lost to a lost response, extra reads on a lost probe race, a
 * hand-edited item crashing the caller); the others document behaviour that holds under the same
 * kind of pressure, including the tumbling failure window.
 */
@ExtendWith(DynamoDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdversarialScenariosTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final int CALLERS = 32;

    private final CountingInterceptor requests = new CountingInterceptor();
    private final InjectedFaults faults = new InjectedFaults();
    /** Counted and fault-injected: the instance under measurement uses it. */
    private DynamoDbClient client;
    /** Neither counted nor faulted: every other instance uses it. */
    private DynamoDbClient otherClient;
    private String table;
    private ExecutorService pool;

    private MutableClock clock;
    private RecordingListener listener;
    private String circuitId;

    @BeforeAll
    void createTable(DynamoDbEndpoint endpoint) {
        client = endpoint.client(requests, faults);
        otherClient = endpoint.client();
        table = DynamoDbEndpoint.uniqueTableName("adversarial");
        otherClient.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
        pool = Executors.newFixedThreadPool(CALLERS);
    }

    @AfterAll
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        client.close();
        otherClient.close();
    }

    @BeforeEach
    void freshCircuit() {
        circuitId = "adv-" + UUID.randomUUID().toString().substring(0, 8);
        clock = new MutableClock(T0);
        listener = new RecordingListener();
        faults.disarm();
        requests.reset();
    }

    private static CircuitBreakerConfig.Builder policy() {
        return CircuitBreakerConfig.builder().flushInterval(Duration.ZERO).failureThreshold(5).failureWindow(Duration.ofSeconds(60))
                .openDuration(Duration.ofSeconds(30)).halfOpenProbes(1).successThreshold(2)
                .callTimeout(Duration.ofSeconds(2));
    }

    private CircuitStateStore measuredStore() {
        return new DynamoDbCircuitStateStore(client, table);
    }

    private CircuitStateStore otherStore() {
        return new DynamoDbCircuitStateStore(otherClient, table);
    }

    private CircuitBreaker breaker(CircuitBreakerConfig config, CircuitStateStore store) {
        return TestBreakers.create(circuitId, config, store, clock, listener);
    }

    private CircuitBreaker other(CircuitBreakerConfig config) {
        return breaker(config, otherStore());
    }

    private static void fail(CircuitBreaker b) {
        Permission p = b.acquirePermission();
        assertTrue(p.permitted(), "expected a permitted call but the circuit was " + p.state());
        b.onResult(p, CallOutcome.failure(FailureReason.ERROR));
    }

    private static void succeed(CircuitBreaker b) {
        Permission p = b.acquirePermission();
        assertTrue(p.permitted(), "expected a permitted call but the circuit was " + p.state());
        b.onResult(p, CallOutcome.success());
    }

    private static CallOutcome failure() {
        return CallOutcome.failure(FailureReason.ERROR);
    }

    // =================================================================== regressions (each once a defect)

    /**
     * Regression (lost trip). replace() conditions only on {@code version}, but addFailure changes the count
     * without bumping it, so a new-window PutItem silently overwrites a concurrent ADD; the caller
     * whose ADD reached the threshold then loses its trip write on the version and never retries.
     * <pre>
     *   4 failures in window [T0, T0+60s)                         count 4, v1
     *   T0+59.999s  A, B acquire (both read v1)
     *   B: UpdateItem ADD            -> count 5 (>= threshold), v1
     *   T0+60.000s  A: window expired -> PutItem newWindow if v=1 -> count 1, v2   (B's 5th failure erased)
     *   B: PutItem trip if v=1       -> ConditionalCheckFailed; no retry
     * </pre>
     * Five failures fell inside [T0, T0+60s) and the circuit is still CLOSED with count 1.
     */
    @Test
    void thresholdReachedInsideTheWindowTripsEvenIfAnotherInstanceStartsANewWindowFirst() {
        CircuitBreakerConfig config = policy().build();
        HookedStore hooked = new HookedStore(otherStore());
        CircuitBreaker a = other(config);
        CircuitBreaker b = breaker(config, hooked);
        for (int i = 0; i < 4; i++) {
            fail(a);
        }
        clock.advance(Duration.ofMillis(59_999));
        Permission pa = a.acquirePermission();
        Permission pb = b.acquirePermission();
        hooked.afterNext(HookedStore.Request.ADD_OUTCOMES, () -> {
            clock.advance(Duration.ofMillis(1));
            a.onResult(pa, failure());
        });
        b.onResult(pb, failure());

        CircuitSnapshot s = a.snapshot();
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN),
                "the 5th failure inside [T0, T0+60s) must trip; stored state is " + s.state()
                        + " with failureCount " + s.failureCount());
    }

    /**
     * Regression (double count). addFailure is a non-idempotent ADD sent through a client that retries
     * (the upstream function uses 2 attempts and a 600 ms attempt timeout). If DynamoDB applies the
     * ADD but the response is lost (5xx / attempt timeout), the retry's condition ({@code version},
     * {@code state}) still holds and the failure is counted twice.
     */
    @Test
    void aFailureWhoseResponseIsLostAndRetriedIsCountedOnce() {
        CircuitBreaker b = breaker(policy().failureThreshold(10).build(), measuredStore());
        fail(b); // starts the window (PutItem)
        faults.loseResponseOfNext("UpdateItem");
        fail(b); // ADD applied, response replaced by a 500, the SDK retries
        assertEquals(0, faults.pendingLoss(), "the fault was injected");
        assertEquals(2, b.snapshot().failureCount(), "two failures happened");
    }

    /**
     * Regression (phantom probe, recovery delayed by one lease). The OPEN -> HALF_OPEN PutItem is applied
     * but its response is lost; the SDK retry fails the version condition, so the caller believes it
     * lost the race, reloads, sees slot 0 leased (by its own write) and rejects itself. No probe runs
     * for a whole lease, and onTransition(OPEN -> HALF_OPEN) is never emitted.
     */
    @Test
    void theCallerWhoseOpenToHalfOpenWriteWasAppliedOwnsTheProbeEvenIfTheResponseWasLost() {
        CircuitBreakerConfig config = policy().build();
        CircuitBreaker b = breaker(config, measuredStore());
        for (int i = 0; i < 5; i++) {
            fail(b);
        }
        clock.advance(Duration.ofSeconds(30));
        faults.loseResponseOfNext("PutItem");
        Permission p = b.acquirePermission();
        assertEquals(0, faults.pendingLoss(), "the fault was injected");
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.HALF_OPEN, s.state(), "the write was applied");
        assertTrue(p.isProbe(), "the caller whose write moved the circuit to HALF_OPEN owns slot 0, but it was "
                + (p.permitted() ? "permitted" : "rejected") + " and slot 0 is leased until now+"
                + (s.probeLeases().getOrDefault(0, 0L) - clock.millis()) + " ms to nobody");
    }

    /**
     * The window slides (docs/DESIGN.md §2): failures closer together than the window always count
     * together, across any bucket boundary. (The tumbling window this replaced restarted at
     * T0+60s and did not trip here.)
     * <pre>
     *   T0+1s     1 failure
     *   T0+59s    3 failures
     *   T0+60.5s  1 failure   all 5 within (T0+0.5s, T0+60.5s]: trips
     * </pre>
     */
    @Test
    void fiveFailuresStraddlingAWindowBoundaryWithinOneWindowLengthTrip() {
        CircuitBreaker b = breaker(policy().build(), otherStore());
        clock.advance(Duration.ofSeconds(1));
        fail(b);
        clock.advance(Duration.ofSeconds(58));
        for (int i = 0; i < 3; i++) {
            fail(b);
        }
        clock.advance(Duration.ofMillis(1_500));
        fail(b);
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.OPEN, s.state());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
        assertTrue(s.lastTransition().reason().startsWith("5 failures within 60000 ms"), s.lastTransition().reason());
    }

    /**
     * Regression (cost model, docs/DESIGN.md §6: "a failure costs one UpdateItem"). Two overlapping calls on a healthy
     * circuit both fail: the second one's snapshot (v0, no window) is stale once the first started
     * the window, so it pays a failed PutItem, a GetItem and then the UpdateItem. The same happens
     * whenever any version bump (window restart) falls between acquire and onResult.
     */
    @Test
    void aFailureRacingAnotherInstancesWindowStartCostsAtMostOneReadAndOneFailedWriteMore() {
        CircuitBreakerConfig config = policy().build();
        CircuitBreaker measured = breaker(config, measuredStore());
        CircuitBreaker otherInstance = other(config);
        Permission pm = measured.acquirePermission();
        Permission po = otherInstance.acquirePermission();
        otherInstance.onResult(po, failure()); // starts the window: v1
        requests.reset();
        measured.onResult(pm, failure());
        String cost = requests.toString();
        int reads = requests.reads();
        int writes = requests.writes();
        assertEquals(2, measured.snapshot().failureCount(), "both failures counted");
        // Uncontended, a failure is one write (RequestCostTest). Losing the race to start the window
        // adds the failed conditional write and one re-read, no more.
        assertEquals(1, reads, "reads for one failure: " + cost);
        assertEquals(2, writes, "writes for one failure: " + cost);
    }

    /**
     * Regression (cost model, docs/DESIGN.md §6: "a rejected call in OPEN costs at most one read"). At the retry time every
     * instance whose cached OPEN expires (they all expire at the same retryAt) or that reads OPEN
     * attempts the OPEN -> HALF_OPEN PutItem; each loser then pays a second GetItem before rejecting,
     * although with halfOpenProbes=1 the winner provably holds the only slot for a full lease.
     */
    @Test
    void aCallThatFindsTheCircuitOpenAndLosesTheProbeRaceCostsAtMostOneRead() {
        CircuitBreakerConfig config = policy().build();
        CircuitBreaker winner = other(config);
        for (int i = 0; i < 5; i++) {
            fail(winner);
        }
        clock.advance(Duration.ofSeconds(30));
        HookedStore hooked = new HookedStore(measuredStore());
        CircuitBreaker loser = breaker(config, hooked);
        hooked.beforeNext(HookedStore.Request.REPLACE, () -> assertTrue(winner.acquirePermission().isProbe()));
        requests.reset();
        Permission p = loser.acquirePermission();
        String cost = requests.toString();
        int reads = requests.reads();
        assertFalse(p.permitted());
        assertEquals(1, listener.transitionsTo(CircuitState.HALF_OPEN));
        assertTrue(reads <= 1, "reads for a rejected call: " + cost);
    }

    /**
     * Regression (docs/DESIGN.md §3, G4 "nothing crashes"; acquirePermission "never throws for store failures"). The item
     * is meant to be read (and, for an operator, edited) in the console. A value the mapper cannot
     * parse (here {@code state = "open"}) escapes DynamoDbCircuitStateStore.load as an
     * IllegalArgumentException, which is not a CircuitStateStoreException, so it reaches the caller
     * instead of the fallback.
     */
    @Test
    void anUnparseableItemEditedInTheConsoleDoesNotCrashTheCaller() {
        otherClient.putItem(PutItemRequest.builder().tableName(table).item(Map.of(
                "circuitId", AttributeValue.fromS(circuitId),
                "state", AttributeValue.fromS("open"),
                "version", AttributeValue.fromN("7"))).build());
        CircuitBreaker b = breaker(policy().build(), otherStore());
        Permission p = assertDoesNotThrow(b::acquirePermission);
        assertTrue(p.permitted() || p.retryAt() > 0);
    }

    // =================================================================== passing: documented behaviour

    /**
     * The ADD that reaches the threshold succeeds, then the trip PutItem is throttled. onResult does not
     * throw, the circuit stays CLOSED with count >= threshold (successes do not trip it), and the very
     * next failure trips it: CLOSED with count >= threshold is not a stuck state as long as failures
     * continue within the window.
     */
    @Test
    void aThrottledTripWriteNeverThrowsAndTheNextFailureTrips() {
        CircuitBreaker b = breaker(policy().failureThreshold(3).build(), measuredStore());
        fail(b);
        fail(b);
        faults.throttleNext("PutItem");
        Permission p = b.acquirePermission();
        assertDoesNotThrow(() -> b.onResult(p, failure()));
        assertEquals(1, listener.storeErrors.get());
        CircuitSnapshot s = b.snapshot();
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(3, s.failureCount());
        clock.advance(CircuitBreaker.STORE_RETRY_INTERVAL); // the instance asks the store again
        succeed(b);
        assertEquals(CircuitState.CLOSED, b.snapshot().state(), "a success does not trip it");
        fail(b);
        assertEquals(CircuitState.OPEN, b.snapshot().state(), "the next failure trips it");
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
    }

    /** retryAt boundary with the state cache on: rejected (free) at retryAt-1, the probe at retryAt exactly. */
    @Test
    void openIsCachedUntilExactlyItsRetryTimeThenTheFirstCallProbes() {
        CircuitBreaker b = breaker(policy().refreshInterval(Duration.ofSeconds(1)).build(), measuredStore());
        for (int i = 0; i < 5; i++) {
            fail(b);
        }
        long retryAt = clock.millis() + 30_000;
        clock.advance(Duration.ofMillis(29_999));
        requests.reset();
        Permission rejected = b.acquirePermission();
        assertFalse(rejected.permitted());
        assertEquals(retryAt, rejected.retryAt());
        assertEquals(1, rejected.retryAfterSeconds(clock.millis()));
        assertEquals(0, requests.total(), "OPEN served from the cache");
        clock.advance(Duration.ofMillis(1));
        Permission probe = b.acquirePermission();
        assertTrue(probe.isProbe(), "at retryAt the cache is bypassed and the caller probes");
        assertEquals(clock.millis() + 3_000, probe.probeLease(), "lease: call timeout 2 s + 0.5 s clock skew + 0.5 s margin");
    }

    /**
     * Two probes die; when their leases expire, 32 instances released together reclaim exactly two
     * slots, and the dead probes' late successes no longer count.
     */
    @Test
    void expiredLeasesAreReclaimedByExactlyTheConfiguredNumberOfConcurrentCallers() throws Exception {
        CircuitBreakerConfig config = policy().halfOpenProbes(2).build();
        CircuitBreaker first = other(config);
        for (int i = 0; i < 5; i++) {
            fail(first);
        }
        clock.advance(Duration.ofSeconds(30));
        Permission dead0 = first.acquirePermission();
        CircuitBreaker second = other(config);
        Permission dead1 = second.acquirePermission();
        assertTrue(dead0.isProbe() && dead1.isProbe());
        clock.advance(Duration.ofMillis(2_999));
        assertFalse(other(config).acquirePermission().permitted(), "leases still valid 1 ms before expiry");
        clock.advance(Duration.ofMillis(1));

        List<CircuitBreaker> instances = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            instances.add(other(config));
        }
        List<Permission> results = runTogether(i -> instances.get(i).acquirePermission());
        assertEquals(2, results.stream().filter(Permission::permitted).count(), "probes admitted");
        assertEquals(2, results.stream().filter(Permission::isProbe).mapToInt(p -> p.probeSlot().getAsInt())
                .distinct().count());
        first.onResult(dead0, CallOutcome.success());
        second.onResult(dead1, CallOutcome.success());
        CircuitSnapshot s = first.snapshot();
        assertEquals(CircuitState.HALF_OPEN, s.state());
        assertEquals(0, s.halfOpenSuccesses(), "late reports of taken-over probes do not count");
        assertEquals(2, s.probesInFlight(clock.millis()));
    }

    /** A probe success that closes and a probe failure that re-opens, released together: one transition wins. */
    @RepeatedTest(5)
    void aProbeSuccessRacingAProbeFailureMakesExactlyOneTransition() throws Exception {
        CircuitBreakerConfig config = policy().halfOpenProbes(2).successThreshold(1).build();
        CircuitBreaker a = other(config);
        CircuitBreaker b = other(config);
        for (int i = 0; i < 5; i++) {
            fail(a);
        }
        clock.advance(Duration.ofSeconds(30));
        Permission pa = a.acquirePermission();
        Permission pb = b.acquirePermission();
        assertTrue(pa.isProbe() && pb.isProbe());
        int before = listener.transitions.size();
        runTogether(2, i -> {
            if (i == 0) {
                a.onResult(pa, CallOutcome.success());
            } else {
                b.onResult(pb, failure());
            }
            return null;
        });
        List<Transition> out = listener.transitions.subList(before, listener.transitions.size());
        assertEquals(1, out.size(), "exactly one transition out of HALF_OPEN: " + out);
        assertEquals(CircuitState.HALF_OPEN, out.get(0).from());
        assertEquals(out.get(0).to(), a.snapshot().state());
    }

    /** Operator FORCED_OPEN is not undone by outcomes of calls that were in flight (a CLOSED failure, probes). */
    @Test
    void inFlightFailuresAndProbesDoNotUndoAForcedOpen() {
        CircuitBreakerConfig config = policy().halfOpenProbes(2).successThreshold(1).build();
        CircuitBreaker b = other(config);
        for (int i = 0; i < 4; i++) {
            fail(b);
        }
        Permission closedCall = b.acquirePermission();
        b.forceOpen();
        b.onResult(closedCall, failure()); // would have been the 5th failure
        assertEquals(CircuitState.FORCED_OPEN, b.snapshot().state());
        assertEquals(0, listener.transitionsTo(CircuitState.OPEN));

        b.reset();
        for (int i = 0; i < 5; i++) {
            fail(b);
        }
        clock.advance(Duration.ofSeconds(30));
        Permission ok = b.acquirePermission();
        Permission ko = other(config).acquirePermission();
        assertTrue(ok.isProbe() && ko.isProbe());
        b.forceOpen();
        b.onResult(ok, CallOutcome.success());
        b.onResult(ko, failure());
        assertEquals(CircuitState.FORCED_OPEN, b.snapshot().state());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
        assertEquals(1, listener.transitionsTo(CircuitState.CLOSED), "only the manual reset closed it");
    }

    /** openDurationForTrip: non-decreasing, capped, no overflow for absurd trip counts. */
    @Test
    void backoffGrowsMonotonicallyAndIsCappedEvenForHugeTripCounts() {
        CircuitBreakerConfig c = policy().openBackoffMultiplier(2).maxOpenDuration(Duration.ofSeconds(100)).build();
        long previous = 0;
        for (int n = 0; n <= 2_000; n++) {
            long d = c.openDurationForTrip(n).toMillis();
            assertTrue(d >= previous && d <= 100_000 && d >= 30_000, "trip " + n + ": " + d);
            previous = d;
        }
        assertEquals(Duration.ofSeconds(100), c.openDurationForTrip(Integer.MAX_VALUE));
        assertEquals(Duration.ofSeconds(60), c.openDurationForTrip(2));
        CircuitBreakerConfig frac = policy().openBackoffMultiplier(1.5).build();
        assertEquals(Duration.ofSeconds(45), frac.openDurationForTrip(2));
        assertEquals(Duration.ofMinutes(5), frac.openDurationForTrip(100), "default cap max(5 min, openDuration)");
    }

    /**
     * State cache on: an instance that cached CLOSED keeps permitting for at most the cache period
     * after another instance trips; its failure from that stale window neither counts nor trips twice.
     */
    @Test
    void aCachedClosedIsStaleForAtMostTheCachePeriodAndItsLateFailureDoesNotTripTwice() {
        CircuitBreakerConfig cached = policy().refreshInterval(Duration.ofSeconds(1)).build();
        CircuitBreaker x = breaker(cached, otherStore());
        CircuitBreaker y = other(policy().build());
        assertTrue(x.acquirePermission().permitted()); // caches CLOSED
        for (int i = 0; i < 5; i++) {
            fail(y);
        }
        clock.advance(Duration.ofMillis(999));
        Permission stale = x.acquirePermission();
        assertTrue(stale.permitted(), "stale CLOSED within the cache period (by design)");
        x.onResult(stale, failure());
        assertEquals(1, listener.transitionsTo(CircuitState.OPEN));
        assertEquals(5, x.snapshot().failureCount());
        assertFalse(x.acquirePermission().permitted(), "the failed write refreshed the cache to OPEN");
    }

    /**
     * 32 instances read a CLOSED item whose only bucket has expired and fail together: each update
     * adds to the new bucket and removes the expired one. Nothing conflicts; the count is exact.
     */
    @Test
    void concurrentFailuresIntoANewBucketAreCountedExactly() throws Exception {
        CircuitBreakerConfig config = policy().failureThreshold(1_000).build();
        CircuitBreaker seed = other(config);
        for (int i = 0; i < 3; i++) {
            fail(seed);
        }
        clock.advance(Duration.ofSeconds(66));
        List<CircuitBreaker> instances = new ArrayList<>();
        List<Permission> permissions = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            CircuitBreaker b = other(config);
            instances.add(b);
            permissions.add(b.acquirePermission());
        }
        runTogether(i -> {
            instances.get(i).onResult(permissions.get(i), failure());
            return null;
        });
        CircuitSnapshot s = seed.snapshot();
        assertEquals(CircuitState.CLOSED, s.state());
        assertEquals(CALLERS, s.failureCount(), "no lost update, and the expired bucket is gone");
        assertEquals(config.windowBucketStart(clock.millis()), s.windowStart());
    }

    // =================================================================== plumbing

    private <T> List<T> runTogether(IntFunction<T> task) throws Exception {
        return runTogether(CALLERS, task);
    }

    private <T> List<T> runTogether(int n, IntFunction<T> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            Callable<T> c = () -> {
                ready.countDown();
                go.await();
                return task.apply(k);
            };
            futures.add(pool.submit(c));
        }
        assertTrue(ready.await(10, TimeUnit.SECONDS));
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }
        return results;
    }
}
