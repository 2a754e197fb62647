package dev.circuitlab.experiments.scenario;

/** The synthetic runs of {@link Fixtures}, for tests in other packages. */
public final class TestRuns {

    private TestRuns() {
    }

    public static RunResult breakerOn() {
        return Fixtures.breakerOn(0);
    }

    public static RunResult breakerOff() {
        return Fixtures.breakerOff();
    }
}
