package dev.circuitlab.experiments.bench;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.FailureReason;
import dev.circuitlab.breaker.Permission;
import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The breaker's own decision cost, without any I/O: {@code acquirePermission} + {@code onResult}
 * on the in-memory store (the same conditional semantics as the DynamoDB store), in CLOSED (permit,
 * success: no write) and in OPEN (reject). What the breaker adds to a call on top of its store
 * round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BreakerDecisionBenchmark {

    private CircuitBreaker closed;
    private CircuitBreaker open;

    @Setup
    public void setUp() {
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().openDuration(Duration.ofHours(1)).build();
        closed = CircuitBreaker.create("closed", config, new InMemoryCircuitStateStore(), Clock.systemUTC());
        open = CircuitBreaker.create("open", config, new InMemoryCircuitStateStore(), Clock.systemUTC());
        for (int i = 0; i < config.failureThreshold(); i++) {
            Permission p = open.acquirePermission();
            open.onResult(p, CallOutcome.failure(FailureReason.ERROR));
        }
        if (open.snapshot().state() != CircuitState.OPEN) {
            throw new IllegalStateException("setup: the circuit did not open");
        }
    }

    @Benchmark
    public Permission closedPermitAndSuccess() {
        Permission p = closed.acquirePermission();
        closed.onResult(p, CallOutcome.success());
        return p;
    }

    @Benchmark
    public Permission openReject() {
        Permission p = open.acquirePermission();
        open.onResult(p, CallOutcome.success());
        return p;
    }
}
