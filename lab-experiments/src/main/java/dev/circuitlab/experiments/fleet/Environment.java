package dev.circuitlab.experiments.fleet;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One Lambda execution environment of the simulated fleet: one request at a time, its own breaker
 * instance and DynamoDB client, and its own time. While it runs a breaker operation its time moves
 * on by every store request's latency and back-off, so the operation's cost in time is exact; the
 * operation itself runs to its end before any other environment acts (see docs/FLEET.md).
 */
public final class Environment {

    /** Simulated time 0 is this epoch millisecond (a fixed date, so runs are reproducible). */
    public static final long EPOCH_MILLIS = 1_800_000_000_000L;

    private final int id;
    private final Clock clock = new EnvironmentClock();
    private final Map<SdkRetryPolicy, DynamoDbClientModel> clients = new IdentityHashMap<>();
    long now;
    /** The running invocation ends with a timeout if an operation reaches this time. */
    long deadline = Long.MAX_VALUE;

    // ---------------------------------------------------------------- the fleet's bookkeeping
    EnvironmentBreaker breaker;
    boolean needsInit = true;
    long arrivedAt;
    long breakerMicros;
    Decision decision;
    long idleSince;
    long lastDecisionAt = Long.MIN_VALUE;
    boolean lastDecisionRejected;
    Scenario.Outcome outcome;
    // the one pending event of this environment (see FleetRun's heap)
    long eventTime;
    long eventSeq;
    FleetRun.Step next;

    public Environment(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Epoch milliseconds of this environment's time (what its breaker's clock says). */
    public long epochMillis() {
        return EPOCH_MILLIS + Math.floorDiv(now, 1000);
    }

    /** A {@link Clock} reading this environment's time, for a breaker. */
    public Clock clock() {
        return clock;
    }

    /** This environment's client for {@code policy} (one per policy, made on first use). */
    public DynamoDbClientModel client(SdkRetryPolicy policy) {
        return clients.computeIfAbsent(policy, DynamoDbClientModel::new);
    }

    /** Time passes for this environment: a request's round trip. */
    void advance(long micros) {
        now += micros;
    }

    /** The environment waits (an SDK back-off); the invocation ends at its deadline if the wait reaches it. */
    void sleep(long micros) {
        if (now + micros >= deadline) {
            now = Math.max(now, deadline);
            throw new InvocationTimedOutException();
        }
        now += micros;
    }

    /** Lambda restarted the runtime (after a function timeout): the next request initialises afresh. */
    void reset() {
        needsInit = true;
        breaker = null;
        clients.clear();
    }

    @Override
    public String toString() {
        return "env" + id;
    }

    private final class EnvironmentClock extends Clock {
        @Override
        public long millis() {
            return epochMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a simulated environment's clock is UTC");
        }
    }
}
