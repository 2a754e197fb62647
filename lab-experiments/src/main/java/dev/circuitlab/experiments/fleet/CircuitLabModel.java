package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.Permission;

/**
 * This project's breaker, the real {@link CircuitBreaker} (circuit-state-lib), one instance per
 * environment exactly as the upstream function builds it, on the environment's clock, against a
 * {@link SimulatedCircuitStateStore}. Nothing of its logic is re-implemented here.
 */
public final class CircuitLabModel implements BreakerModel {

    public static final String ID = "circuitlab";

    private final CircuitBreakerConfig config;
    private final String id;

    /** The breaker with {@code config} (the upstream's defaults: {@link CircuitBreakerConfig#defaults()}). */
    public CircuitLabModel(CircuitBreakerConfig config) {
        this(ID, config);
    }

    /** The breaker with {@code config}, reported under {@code id} (to compare configurations side by side). */
    public CircuitLabModel(String id, CircuitBreakerConfig config) {
        this.id = id;
        this.config = config;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String label() {
        return "circuit-breaker-lab (this project)";
    }

    @Override
    public String settings() {
        return "threshold " + config.failureThreshold() + " failures in " + config.failureWindow().toSeconds()
                + " s, open " + config.openDuration().toSeconds() + " s, " + config.halfOpenProbes() + " probe(s), "
                + config.successThreshold() + " successes, refresh " + config.refreshInterval().toMillis() + " ms"
                + (config.refreshInterval().isZero() ? " (a strongly consistent read per call)" : " (eventually consistent)")
                + ", flush " + config.flushInterval().toMillis() + " ms, " + config.storeFailurePolicy()
                + (config.failureRateThreshold() > 0 ? ", failure rate " + config.failureRateThreshold() + " %" : "")
                + (config.slowCallRateThreshold() > 0 ? ", slow-call rate " + config.slowCallRateThreshold() + " % over "
                        + config.slowCallDuration().toMillis() + " ms" : "")
                + (config.countsCalls() ? " (from " + config.minimumCalls() + " calls; below, the count)" : "");
    }

    @Override
    public FleetBreaker newFleet(FleetContext context) {
        SharedCircuitItem item = new SharedCircuitItem(context);
        return env -> {
            // The wake jitter from the environment's id: the same seed replays the same run.
            CircuitBreaker breaker = CircuitBreaker.create(context.circuitId(), config,
                    new SimulatedCircuitStateStore(item, context.dynamoDb(), env), env.clock(),
                    dev.circuitlab.breaker.CircuitBreakerListener.NONE, new java.util.SplittableRandom(env.id()));
            return new EnvironmentBreaker() {
                @Override
                public Decision decide() {
                    Permission p = breaker.acquirePermission();
                    return new Decision(p.permitted(), p.isProbe(), p.local(), p);
                }

                @Override
                public void record(Decision decision, CallOutcome outcome) {
                    breaker.onResult((Permission) decision.handle(), outcome);
                }
            };
        };
    }
}
