package dev.circuitlab.local.dashboard;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The local counterparts of the AWS/DynamoDB table metrics, from the DynamoDB calls of every SDK
 * client in this JVM (the functions' and the runtime's): a global interceptor, registered in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}. It sees each call's final
 * outcome, after the SDK's retries, so a throttle that a retry absorbed is not counted (AWS counts
 * every throttled attempt). Metrics, all recorded into every registered {@link MetricStore}:
 * <ul>
 *   <li>{@code ThrottledRequests} {TableName, Operation}: 0 or 1 per call;</li>
 *   <li>{@code ConditionalCheckFailedRequests} {TableName}: 0 or 1 per call with a condition;</li>
 *   <li>{@code SuccessfulRequestLatency} {TableName, Operation}: ms of each successful call.</li>
 * </ul>
 */
public final class DynamoDbMetricsInterceptor implements ExecutionInterceptor {

    static final String NAMESPACE = "AWS/DynamoDB";

    private static final String DYNAMODB_SERVICE = "DynamoDB";
    private static final Set<String> THROTTLING = Set.of("ProvisionedThroughputExceededException",
            "ThrottlingException", "RequestLimitExceeded");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("circuitlab.dynamodb.started");
    private static final List<MetricStore> STORES = new CopyOnWriteArrayList<>();

    static void register(MetricStore store) {
        STORES.add(store);
    }

    static void unregister(MetricStore store) {
        STORES.remove(store);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!STORES.isEmpty()) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes, null);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes, context.exception());
    }

    private static void record(SdkRequest request, ExecutionAttributes attributes, Throwable failure) {
        Long started = attributes.getAttribute(STARTED);
        if (STORES.isEmpty() || started == null
                || !DYNAMODB_SERVICE.equalsIgnoreCase(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            return;
        }
        Optional<String> table = request.getValueForField("TableName", String.class);
        if (table.isEmpty()) {
            return; // ListTables, batch calls: no single table to attribute them to
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String errorCode = failure instanceof AwsServiceException e && e.awsErrorDetails() != null
                ? e.awsErrorDetails().errorCode() : null;
        boolean conditional = request.getValueForField("ConditionExpression", String.class).isPresent()
                || request.getValueForField("Expected", Map.class).filter(m -> !m.isEmpty()).isPresent();
        long now = System.currentTimeMillis();
        double latencyMs = (System.nanoTime() - started) / 1_000_000.0;
        Map<String, String> byTable = Map.of("TableName", table.get());
        Map<String, String> byOperation = Map.of("TableName", table.get(), "Operation", operation);
        for (MetricStore store : STORES) {
            store.record(new MetricKey(NAMESPACE, "ThrottledRequests", byOperation), "Count",
                    errorCode != null && THROTTLING.contains(errorCode) ? 1 : 0, now);
            if (conditional) {
                store.record(new MetricKey(NAMESPACE, "ConditionalCheckFailedRequests", byTable), "Count",
                        "ConditionalCheckFailedException".equals(errorCode) ? 1 : 0, now);
            }
            if (failure == null) {
                store.record(new MetricKey(NAMESPACE, "SuccessfulRequestLatency", byOperation), "Milliseconds",
                        latencyMs, now);
            }
        }
    }
}
