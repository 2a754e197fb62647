package dev.circuitlab.experiments.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.OutcomeCounts;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.FailureReason;
import dev.circuitlab.breaker.Permission;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.experiments.DynaliteTable;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The simulated store makes the DynamoDB requests the real one makes. One history of two breakers
 * (a trip, a lost race, rejections, the half-open probes, the close) runs through the real
 * {@code DynamoDbCircuitStateStore} on dynalite, counted at the SDK, and through
 * {@link SimulatedCircuitStateStore}: the requests of every store operation are equal, and so are
 * the units dynalite reports (plus the one write unit of each failed condition, which DynamoDB
 * bills and dynalite does not report) and the item's size.
 */
class StoreCrossCheckTest {

    private static DynaliteTable dynalite;

    @BeforeAll
    static void start() {
        dynalite = DynaliteTable.start("fleet-cross-check");
    }

    @AfterAll
    static void stop() {
        if (dynalite != null) {
            dynalite.close();
        }
    }

    /** Asks for the consumed capacity of every request and adds it up; counts failed requests (failed conditions). */
    private static final class CapacityInterceptor implements ExecutionInterceptor {
        double units;
        int failed;

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest r = context.request();
            if (r instanceof GetItemRequest g) {
                return g.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
            if (r instanceof PutItemRequest p) {
                return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
            if (r instanceof UpdateItemRequest u) {
                return u.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
            return r;
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            ConsumedCapacity c = switch (context.response()) {
                case GetItemResponse g -> g.consumedCapacity();
                case PutItemResponse p -> p.consumedCapacity();
                case UpdateItemResponse u -> u.consumedCapacity();
                default -> null;
            };
            if (c != null && c.capacityUnits() != null) {
                units += c.capacityUnits();
            }
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            failed++;
        }
    }

    /** One store operation: its name, its requests by type, the units it was charged, failed requests. */
    private record Operation(String name, String requests, double units, int failed) { }

    /** Records, per store operation, the requests and units the meter saw it make, into a log it may share. */
    private static final class Recording implements CircuitStateStore {
        private final CircuitStateStore store;
        private final Supplier<double[]> meter; // {GetItem, PutItem, UpdateItem, units, failed requests}
        private final List<Operation> operations;

        Recording(CircuitStateStore store, Supplier<double[]> meter, List<Operation> log) {
            this.store = store;
            this.meter = meter;
            this.operations = log;
        }

        private <T> T op(String name, Supplier<T> call) {
            double[] before = meter.get();
            T result = call.get();
            double[] after = meter.get();
            operations.add(new Operation(name, "GetItem=" + (int) (after[0] - before[0]) + " PutItem=" + (int) (after[1] - before[1])
                    + " UpdateItem=" + (int) (after[2] - before[2]), after[3] - before[3], (int) (after[4] - before[4])));
            return result;
        }

        @Override
        public CircuitSnapshot load(String circuitId) {
            return op("load", () -> store.load(circuitId));
        }

        @Override
        public boolean replace(long expectedVersion, CircuitSnapshot next) {
            return op("replace", () -> store.replace(expectedVersion, next));
        }

        @Override
        public CircuitSnapshot loadRecent(String circuitId) {
            return op("loadRecent", () -> store.loadRecent(circuitId));
        }

        @Override
        public Optional<CircuitSnapshot> addOutcomes(String circuitId, long expectedVersion, long bucketStart,
                                                     OutcomeCounts outcomes, java.util.Collection<Long> expiredBuckets,
                                                     long now) {
            return op("addOutcomes", () -> store.addOutcomes(circuitId, expectedVersion, bucketStart, outcomes,
                    expiredBuckets, now));
        }

        @Override
        public boolean claimProbeSlot(String circuitId, long expectedVersion, int slot, Long expectedLease, long leaseUntil,
                                      String owner, long now) {
            return op("claimProbeSlot", () -> store.claimProbeSlot(circuitId, expectedVersion, slot, expectedLease, leaseUntil,
                    owner, now));
        }

        @Override
        public Optional<CircuitSnapshot> recordProbeSuccess(String circuitId, long expectedVersion, int slot, String owner,
                                                            long now) {
            return op("recordProbeSuccess", () -> store.recordProbeSuccess(circuitId, expectedVersion, slot, owner, now));
        }
    }

    /** Two breakers (A and B) sharing one circuit, and the history both stores go through. */
    private interface Fleet {
        CircuitBreaker a();

        CircuitBreaker b();

        /** The clock moves to {@code epochMillis} for both. */
        void at(long epochMillis);

        /** The item's size in bytes now. */
        int itemBytes();

        /** The item's attribute names now. */
        java.util.Set<String> attributes();
    }

    /** Refresh and flush intervals 0: every store operation happens where the history names it. */
    private static final CircuitBreakerConfig CONFIG = CircuitBreakerConfig.builder().failureThreshold(3)
            .refreshInterval(Duration.ZERO).flushInterval(Duration.ZERO).build();
    private static final long T0 = Environment.EPOCH_MILLIS + 1_000;

    /** The history; returns the item sizes after each step. */
    private static List<Integer> history(Fleet f) {
        List<Integer> sizes = new ArrayList<>();
        CallOutcome fail = CallOutcome.failure(FailureReason.ERROR);
        f.at(T0);
        f.a().onResult(f.a().acquirePermission(), CallOutcome.success());
        sizes.add(f.itemBytes());
        // Both read the fresh circuit; A's failure creates the item, so B's creation loses and B adds instead.
        Permission a1 = f.a().acquirePermission();
        Permission b1 = f.b().acquirePermission();
        f.a().onResult(a1, fail);
        f.b().onResult(b1, fail);
        sizes.add(f.itemBytes());
        f.at(T0 + 100);
        f.a().onResult(f.a().acquirePermission(), fail); // the third: trips
        sizes.add(f.itemBytes());
        f.at(T0 + 200);
        assertFalse(f.a().acquirePermission().permitted());
        assertFalse(f.b().acquirePermission().permitted());
        f.at(T0 + 200 + CONFIG.openDuration().toMillis() + 1);
        Permission probeA = f.a().acquirePermission(); // OPEN -> HALF_OPEN, owns the probe
        assertTrue(probeA.isProbe());
        assertFalse(f.b().acquirePermission().permitted(), "one probe slot, taken");
        sizes.add(f.itemBytes());
        f.a().onResult(probeA, CallOutcome.success());
        Permission probeB = f.b().acquirePermission(); // claims the freed slot
        assertTrue(probeB.isProbe());
        f.b().onResult(probeB, CallOutcome.success()); // the second success closes
        sizes.add(f.itemBytes());
        f.a().onResult(f.a().acquirePermission(), CallOutcome.success());
        return sizes;
    }

    @Test
    @Timeout(60)
    void theSimulatedStoreMakesTheRequestsTheRealStoreMakesAndIsChargedTheSameUnits() {
        // The real store on dynalite.
        CountingInterceptor counting = new CountingInterceptor();
        CapacityInterceptor capacity = new CapacityInterceptor();
        String circuit = "cross-" + Long.toHexString(System.nanoTime());
        MutableClock clock = new MutableClock(T0);
        try (DynamoDbClient client = DynamoDbEndpoint.clientBuilder(dynalite.endpoint(), counting, capacity).build();
             DynamoDbClient plain = DynamoDbEndpoint.clientBuilder(dynalite.endpoint()).build()) {
            List<Operation> realOperations = new ArrayList<>();
            Recording real = new Recording(new DynamoDbCircuitStateStore(client, dynalite.table()), () -> new double[] {
                    counting.count("GetItem"), counting.count("PutItem"), counting.count("UpdateItem"), capacity.units,
                    capacity.failed}, realOperations);
            CircuitBreaker ra = CircuitBreaker.create(circuit, CONFIG, real, clock);
            CircuitBreaker rb = CircuitBreaker.create(circuit, CONFIG, real, clock);
            Supplier<Map<String, AttributeValue>> rawItem = () -> plain.getItem(b -> b.tableName(dynalite.table())
                    .key(Map.of(DynamoDbCircuitStateStore.partitionKey(), AttributeValue.fromS(circuit))).consistentRead(true)).item();
            List<Integer> realSizes = history(new Fleet() {
                public CircuitBreaker a() { return ra; }
                public CircuitBreaker b() { return rb; }
                public void at(long epochMillis) { clock.advance(Duration.ofMillis(epochMillis - clock.millis())); }
                public int itemBytes() { return ItemSize.of(rawItem.get()); }
                public java.util.Set<String> attributes() { return rawItem.get().keySet(); }
            });

            // The simulated store, through the fleet's DynamoDB model (no latency to speak of: 1 µs per request).
            FleetParameters p = ModelHarness.FIXED.withLatencies(Latency.fixed(20), Latency.fixed(0));
            RunMeters meters = new RunMeters(600);
            SimulatedDynamoDb db = new SimulatedDynamoDb(new ItemCapacity(3_000, 1_000, false, 600), meters, p,
                    new SplittableRandom(1));
            SharedCircuitItem item = new SharedCircuitItem(new FleetContext() {
                public String circuitId() { return circuit; }
                public SimulatedDynamoDb dynamoDb() { return db; }
                public void sharedStateChanged(long atMicros, SharedState state) { }
            });
            Environment envA = new Environment(0);
            Environment envB = new Environment(1);
            Supplier<double[]> simMeter = () -> new double[] {meters.total(Metric.GET_ITEM), meters.total(Metric.PUT_ITEM),
                    meters.total(Metric.UPDATE_ITEM),
                    meters.total(Metric.READ_UNITS_CONSUMED) + meters.total(Metric.WRITE_UNITS_CONSUMED), 0};
            List<Operation> simOperations = new ArrayList<>();
            CircuitBreaker sa = CircuitBreaker.create(circuit, CONFIG,
                    new Recording(new SimulatedCircuitStateStore(item, db, envA), simMeter, simOperations), envA.clock());
            CircuitBreaker sb = CircuitBreaker.create(circuit, CONFIG,
                    new Recording(new SimulatedCircuitStateStore(item, db, envB), simMeter, simOperations), envB.clock());
            List<Integer> simSizes = history(new Fleet() {
                public CircuitBreaker a() { return sa; }
                public CircuitBreaker b() { return sb; }
                public void at(long epochMillis) {
                    envA.now = (epochMillis - Environment.EPOCH_MILLIS) * 1000;
                    envB.now = envA.now;
                }
                public int itemBytes() { return item.sizeBytes(); }
                public java.util.Set<String> attributes() { return DynamoDbCircuitStateStore.itemAttributes(item.load()).keySet(); }
            });

            assertEquals(realOperations.stream().map(o -> o.name() + ": " + o.requests()).toList(),
                    simOperations.stream().map(o -> o.name() + ": " + o.requests()).toList(),
                    "the same requests for every store operation");
            assertTrue(realOperations.stream().anyMatch(o -> o.failed() > 0), "the history has a failed condition");
            for (int i = 0; i < realOperations.size(); i++) {
                Operation r = realOperations.get(i);
                assertEquals(r.units() + r.failed(), simOperations.get(i).units(), 1e-9, "units of operation " + i + " " + r
                        + " (a failed condition: one write unit dynalite does not report)");
            }
            assertEquals(realSizes, simSizes, "the item's size after each step");
            assertEquals(ItemSize.of(rawItem.get()), item.sizeBytes());
            assertEquals(rawItem.get().keySet(), DynamoDbCircuitStateStore.itemAttributes(item.load()).keySet(), "the same attributes");
        }
    }
}
