package dev.circuitlab.breaker;

/**
 * A batch of failures could not be written to the store (sent at most once, so they are not in the
 * shared count); the breaker counts them in this instance's local breaker instead.
 */
final class UnrecordedFailuresException extends CircuitStateStoreException {

    private static final long serialVersionUID = 1L;

    private final long failures;
    private final FailureReason lastReason;

    UnrecordedFailuresException(long failures, FailureReason lastReason, CircuitStateStoreException cause) {
        super(failures + " failures could not be counted: " + cause.getMessage(), cause);
        this.failures = failures;
        this.lastReason = lastReason;
    }

    long failures() {
        return failures;
    }

    FailureReason lastReason() {
        return lastReason;
    }
}
