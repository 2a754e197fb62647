package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CallOutcome;

/**
 * The breaker instance of one environment. Both methods run on the environment's time
 * ({@link Environment#clock()}); every store request they make goes through the run's
 * {@link SimulatedDynamoDb} and moves that time on.
 */
public interface EnvironmentBreaker {

    /** Before the downstream call: may it go? */
    Decision decide();

    /** After a permitted call: its outcome. */
    void record(Decision decision, CallOutcome outcome);
}
