package dev.circuitlab.experiments.fleet;

/** A DynamoDB call that failed after its SDK's retries (throttled, or out of call time). */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }
}
