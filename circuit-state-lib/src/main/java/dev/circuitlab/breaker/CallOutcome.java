package dev.circuitlab.breaker;

import java.util.Optional;

/**
 * The result of a permitted call, as the breaker sees it.
 *
 * @param failureReason empty for a success
 */
public record CallOutcome(Optional<FailureReason> failureReason) {

    private static final CallOutcome SUCCESS = new CallOutcome(Optional.empty());

    public static CallOutcome success() {
        return SUCCESS;
    }

    public static CallOutcome failure(FailureReason reason) {
        return new CallOutcome(Optional.of(reason));
    }

    /**
     * HTTP status to outcome: 5xx and 429 are failures; other 4xx are the caller's fault and count
     * as success for the breaker (the dependency is healthy).
     */
    public static CallOutcome ofHttpStatus(int status) {
        if (status == 429) {
            return failure(FailureReason.THROTTLED);
        }
        if (status >= 500) {
            return failure(FailureReason.ERROR);
        }
        return SUCCESS;
    }

    public boolean isSuccess() {
        return failureReason.isEmpty();
    }
}
