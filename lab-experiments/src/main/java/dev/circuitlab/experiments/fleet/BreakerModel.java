package dev.circuitlab.experiments.fleet;

/**
 * A breaker algorithm under test in the fleet: {@link #newFleet} is called once per run and hands
 * out one {@link EnvironmentBreaker} per Lambda environment, as each environment would build its
 * own instance at init. To measure another breaker, or the same one configured differently,
 * implement this (see {@link CircuitLabModel} for the real breaker).
 */
public interface BreakerModel {

    /** Short id used in the summary's {@code strategy} field and on the command line. */
    String id();

    /** What the report calls it. */
    String label();

    /** The settings in effect, for the report. */
    String settings();

    /** A fresh shared item and whatever else one run of this algorithm needs. */
    FleetBreaker newFleet(FleetContext context);

    /** One run of an algorithm: makes the per-environment instances. */
    interface FleetBreaker {
        EnvironmentBreaker newEnvironment(Environment environment);
    }
}
