package dev.circuitlab.breaker;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Throttles the next request of one operation before it is sent (not applied, not retried), or
 * lets the next request of one operation be applied and then replaces its response with a 500
 * (applied, retried by the SDK): what a lost response or an attempt timeout looks like.
 */
final class InjectedFaults implements ExecutionInterceptor {
    private static final ExecutionAttribute<Boolean> LOST = new ExecutionAttribute<>("adversarial-lost-response");
    private volatile String throttle;
    private volatile String lose;
    private volatile Runnable beforeRetry;
    /** An operation whose next call loses the answer of every attempt, the SDK's retries included. */
    private volatile String loseEveryAttempt;
    private static final ExecutionAttribute<Boolean> LOSE_EVERY = new ExecutionAttribute<>("adversarial-lose-every-attempt");
    private final java.util.concurrent.atomic.AtomicInteger lostAttempts = new java.util.concurrent.atomic.AtomicInteger();

    void disarm() {
        throttle = null;
        lose = null;
        beforeRetry = null;
        loseEveryAttempt = null;
        lostAttempts.set(0);
    }

    /**
     * The next call of {@code operation} is applied by its first attempt, and the answer of every
     * attempt is lost (the SDK's retries time out too), so the SDK throws although the item changed.
     */
    void loseEveryAnswerOfNext(String operation) {
        loseEveryAttempt = operation;
    }

    /** Attempts whose answer {@link #loseEveryAnswerOfNext} replaced. */
    int lostAttempts() {
        return lostAttempts.get();
    }

    void throttleNext(String operation) {
        throttle = operation;
    }

    void loseResponseOfNext(String operation) {
        loseResponseOfNext(operation, null);
    }

    /**
     * Like {@link #loseResponseOfNext(String)}, and runs {@code beforeRetry} (another instance's step)
     * after the request was applied and before the SDK retries it.
     */
    void loseResponseOfNext(String operation, Runnable beforeRetry) {
        this.beforeRetry = beforeRetry;
        lose = operation;
    }

    int pendingLoss() {
        return lose == null ? 0 : 1;
    }

    private static String op(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (op(attributes).equals(throttle)) {
            throttle = null;
            throw ProvisionedThroughputExceededException.builder()
                    .message("Rate of requests exceeds the allowed throughput (injected)").build();
        }
        if (op(attributes).equals(loseEveryAttempt)) {
            loseEveryAttempt = null;
            attributes.putAttribute(LOSE_EVERY, Boolean.TRUE);
        }
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        boolean everyAttempt = Boolean.TRUE.equals(attributes.getAttribute(LOSE_EVERY));
        if (everyAttempt || op(attributes).equals(lose)) {
            if (everyAttempt) {
                lostAttempts.incrementAndGet();
            } else {
                lose = null;
            }
            attributes.putAttribute(LOST, Boolean.TRUE);
            Runnable step = beforeRetry;
            beforeRetry = null;
            if (step != null) {
                step.run();
            }
            return context.httpResponse().toBuilder().statusCode(500).statusText("Internal Server Error")
                    .removeHeader("x-amz-crc32").removeHeader("X-Amz-Crc32").build();
        }
        return context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(LOST))) {
            attributes.putAttribute(LOST, Boolean.FALSE);
            return Optional.of(new ByteArrayInputStream(
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"injected: response lost\"}"
                            .getBytes(StandardCharsets.UTF_8)));
        }
        return context.responseBody();
    }
}
