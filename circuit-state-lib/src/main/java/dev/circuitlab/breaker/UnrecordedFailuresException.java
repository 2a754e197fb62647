package dev.circuitlab.breaker;

/**
 * A batch of outcomes could not be written to the store (sent at most once, so they are not in the
 * shared window); the breaker counts them in this instance's local breaker instead.
 */
final class UnrecordedFailuresException extends CircuitStateStoreException {

    private static final long serialVersionUID = 1L;

    private final transient OutcomeCounts outcomes;
    private final FailureReason lastReason;

    UnrecordedFailuresException(OutcomeCounts outcomes, FailureReason lastReason, CircuitStateStoreException cause) {
        super(outcomes.failures() + " failures" + (outcomes.calls() > 0 ? " of " + outcomes.calls() + " calls" : "")
                + " could not be counted: " + cause.getMessage(), cause);
        this.outcomes = outcomes;
        this.lastReason = lastReason;
    }

    /** What the batch held: failures, and with a rate threshold its calls and slow calls too. */
    OutcomeCounts outcomes() {
        return outcomes;
    }

    /** The reason of the batch's last failure, null if it held none. */
    FailureReason lastReason() {
        return lastReason;
    }
}
