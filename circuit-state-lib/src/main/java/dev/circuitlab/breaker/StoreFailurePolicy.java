package dev.circuitlab.breaker;

/** What the breaker does when the state store (DynamoDB) errors or throttles. */
public enum StoreFailurePolicy {
    /** Decide with an in-memory breaker local to this instance; calls keep flowing while it is closed. */
    FAIL_OPEN,
    /** Reject calls while the shared state cannot be read. */
    FAIL_CLOSED
}
