package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.breaker.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One breaker algorithm outside the fleet's event loop: tests create environments and call
 * {@link EnvironmentBreaker#decide()} and {@link EnvironmentBreaker#record} at the times they
 * choose, against a {@link SimulatedDynamoDb} with fixed latencies (2 ms per request) and no stale
 * replicas unless a test asks for them.
 */
final class ModelHarness implements FleetContext {

    static final FleetParameters FIXED = FleetParameters.defaults()
            .withLatencies(Latency.fixed(20), Latency.fixed(2)).withStaleReads(0, Duration.ZERO);

    final RunMeters meters = new RunMeters(600);
    final ItemCapacity capacity;
    final SimulatedDynamoDb db;
    final BreakerModel.FleetBreaker fleet;
    final List<SharedState> transitions = new ArrayList<>();
    private int nextId;

    ModelHarness(BreakerModel model) {
        this(model, FIXED);
    }

    ModelHarness(BreakerModel model, FleetParameters p) {
        capacity = new ItemCapacity(p.readUnitsPerSecond(), p.writeUnitsPerSecond(), p.burst(), 600);
        db = new SimulatedDynamoDb(capacity, meters, p, new SplittableRandom(42));
        fleet = model.newFleet(this);
    }

    @Override
    public String circuitId() {
        return "downstream";
    }

    @Override
    public SimulatedDynamoDb dynamoDb() {
        return db;
    }

    @Override
    public void sharedStateChanged(long atMicros, SharedState state) {
        transitions.add(state);
    }

    SharedState state() {
        return transitions.isEmpty() ? SharedState.CLOSED : transitions.get(transitions.size() - 1);
    }

    Environment environment() {
        Environment e = new Environment(nextId++);
        e.breaker = fleet.newEnvironment(e);
        e.needsInit = false;
        return e;
    }

    List<Environment> environments(int n) {
        List<Environment> envs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            envs.add(environment());
        }
        return envs;
    }

    Decision decide(Environment e, long atMillis) {
        e.now = atMillis * 1000;
        return e.breaker.decide();
    }

    void record(Environment e, Decision d, long atMillis, boolean success) {
        e.now = atMillis * 1000;
        e.breaker.record(d, success ? CallOutcome.success() : CallOutcome.failure(FailureReason.ERROR));
    }

    /** A whole call at {@code atMillis}: decide, and if permitted record the outcome 20 ms later. */
    Decision call(Environment e, long atMillis, boolean success) {
        Decision d = decide(e, atMillis);
        if (d.permitted()) {
            record(e, d, atMillis + 20, success);
        }
        return d;
    }

    /** {@code n} failing calls of {@code e}, 100 ms apart from {@code fromMillis}. */
    void failures(Environment e, int n, long fromMillis) {
        for (int i = 0; i < n; i++) {
            call(e, fromMillis + i * 100L, false);
        }
    }

    long count(Metric m) {
        return (long) meters.total(m);
    }

    double units(Metric m) {
        return meters.total(m);
    }
}
