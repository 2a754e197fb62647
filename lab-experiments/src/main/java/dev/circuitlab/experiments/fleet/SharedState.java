package dev.circuitlab.experiments.fleet;

/** The state the shared item says the circuit is in, whichever algorithm wrote it. */
public enum SharedState {
    CLOSED(0), HALF_OPEN(1), OPEN(2);

    private final int gauge;

    SharedState(int gauge) {
        this.gauge = gauge;
    }

    /** 0 CLOSED, 1 HALF_OPEN, 2 OPEN (the report's state row). */
    public int gauge() {
        return gauge;
    }
}
