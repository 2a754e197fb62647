package dev.circuitlab.experiments.fleet;

/**
 * One environment's DynamoDB client: its retry policy and its own retry quota (each Lambda
 * environment builds its own client, so quotas are not shared).
 */
public final class DynamoDbClientModel {

    private final SdkRetryPolicy policy;
    private int quota;
    private int lastAttempts;

    public DynamoDbClientModel(SdkRetryPolicy policy) {
        this.policy = policy;
        this.quota = policy.quotaCapacity();
    }

    public SdkRetryPolicy policy() {
        return policy;
    }

    /** Attempts the last call made (more than 1: the SDK retried it). */
    public int lastAttempts() {
        return lastAttempts;
    }

    void attempted(int attempts) {
        this.lastAttempts = attempts;
    }

    /** Takes the tokens of one retry; false when the quota is spent (the SDK then gives up at once). */
    boolean takeRetry() {
        if (policy.quotaCapacity() == 0) {
            return true;
        }
        if (quota < policy.retryCost()) {
            return false;
        }
        quota -= policy.retryCost();
        return true;
    }

    void succeeded(int attempts) {
        if (policy.quotaCapacity() == 0) {
            return;
        }
        int refund = attempts > 1 ? policy.retryCost() * (attempts - 1) : policy.successRefund();
        quota = Math.min(policy.quotaCapacity(), quota + refund);
    }

    int quota() {
        return quota;
    }
}
