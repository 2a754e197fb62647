package dev.circuitlab.experiments.fleet;

/**
 * A breaker's answer for one call.
 *
 * @param permitted       whether the call goes to the downstream
 * @param probe           a permitted call that tests a recovering downstream (HALF_OPEN)
 * @param withoutStore    decided without the shared state (the store was failing): a fallback decision
 * @param handle          what the model needs back in {@link EnvironmentBreaker#record}
 */
public record Decision(boolean permitted, boolean probe, boolean withoutStore, Object handle) {

    public static Decision reject(boolean withoutStore) {
        return new Decision(false, false, withoutStore, null);
    }
}
