package dev.circuitlab.experiments.fleet;

import java.util.random.RandomGenerator;

/**
 * How a DynamoDB client retries a throttled request: attempts, back-off, the retry quota (the
 * token bucket of the AWS SDKs' standard mode) and a whole-call timeout. Only throttling is
 * modelled: it is the failure the item's caps produce.
 *
 * @param description         what the policy is and where its numbers come from
 * @param maxAttempts         attempts per call, the first included
 * @param baseBackoffMicros   the back-off ceiling before the first retry; it doubles per retry
 * @param jitter              full jitter (a uniform draw below the ceiling) or the ceiling itself
 * @param maxBackoffMicros    the largest back-off
 * @param apiCallTimeoutMicros the whole call, retries included, ends with an error after this; 0: no limit
 * @param quotaCapacity       retry tokens per client; 0: no quota
 * @param retryCost           tokens a retry takes
 * @param successRefund       tokens a first-attempt success puts back (a retried success returns its retries' cost)
 */
public record SdkRetryPolicy(String description, int maxAttempts, long baseBackoffMicros, boolean jitter,
                             long maxBackoffMicros, long apiCallTimeoutMicros, int quotaCapacity, int retryCost,
                             int successRefund) {

    /**
     * The upstream's client (function-support's DynamoDbClients with UpstreamComponents' settings):
     * {@code AwsRetryStrategy.standardRetryStrategy()} with 2 attempts and a 1 s API call timeout.
     * Measured from the SDK (2.57) itself: throttled retries wait a full-jitter draw below 1 s
     * (base 1 s, at most 20 s), the quota holds 500 tokens, a retry costs 5, a first-attempt
     * success returns 1.
     */
    public static final SdkRetryPolicy JAVA_UPSTREAM = new SdkRetryPolicy(
            "AWS SDK for Java 2.x standard retries as the upstream configures them: 2 attempts, throttling back-off "
                    + "full jitter below 1 s, API call timeout 1 s, retry quota 500 (5 per retry)",
            2, 1_000_000, true, 20_000_000, 1_000_000, 500, 5, 1);

    /**
     * boto3's default ("legacy") retry mode for DynamoDB (botocore/data/_retry.json): 10 attempts,
     * waiting 50 ms × 2^(retry-1) without jitter, no quota, no call timeout.
     */
    public static final SdkRetryPolicy BOTOCORE_LEGACY_DYNAMODB = new SdkRetryPolicy(
            "boto3 default (legacy) retries for DynamoDB: 10 attempts, back-off 50 ms x 2^n without jitter, no quota",
            10, 50_000, false, Long.MAX_VALUE / 4, 0, 0, 0, 0);

    /**
     * The AWS SDK for JavaScript v3 default (standard) retries (@smithy/util-retry): 3 attempts,
     * throttling back-off a uniform draw below 2^retry × 500 ms (at most 20 s), retry quota 500,
     * 5 per retry, 1 back per first-attempt success; no call timeout.
     */
    public static final SdkRetryPolicy JS_V3_STANDARD = new SdkRetryPolicy(
            "AWS SDK for JavaScript v3 standard retries: 3 attempts, throttling back-off full jitter below 2^n x 500 ms, "
                    + "retry quota 500 (5 per retry)",
            3, 1_000_000, true, 20_000_000, 0, 500, 5, 1);

    public SdkRetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public long backoffMicros(int retry, RandomGenerator random) {
        long ceiling = baseBackoffMicros;
        for (int i = 1; i < retry && ceiling < maxBackoffMicros; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxBackoffMicros);
        return jitter ? (long) (random.nextDouble() * ceiling) : ceiling;
    }
}
