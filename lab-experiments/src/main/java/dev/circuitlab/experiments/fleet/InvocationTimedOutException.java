package dev.circuitlab.experiments.fleet;

/**
 * The invocation reached the function timeout while waiting on DynamoDB: Lambda stops it there.
 * Breaker models let it pass (it is not a store error they could handle).
 */
public final class InvocationTimedOutException extends RuntimeException {

    public InvocationTimedOutException() {
        super("the invocation reached the function timeout", null, false, false);
    }
}
