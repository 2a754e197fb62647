package dev.circuitlab.stack;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * A global SDK interceptor (registered in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}), so it sees the requests of
 * every DynamoDB client in this JVM, including the ones the handlers build for themselves.
 * It records which operations reached which table.
 */
public final class DynamoDbCallRecorder implements ExecutionInterceptor {

    private static final Map<String, Set<String>> CALLS = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest)) {
            return;
        }
        String table = context.request().getValueForField("TableName", String.class).orElse("(none)");
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        CALLS.computeIfAbsent(table, t -> ConcurrentHashMap.newKeySet()).add("dynamodb:" + operation);
    }

    static void reset() {
        CALLS.clear();
    }

    /** Table name → IAM action names ("dynamodb:GetItem") called on it since the last reset. */
    static Map<String, Set<String>> calls() {
        Map<String, Set<String>> copy = new TreeMap<>();
        CALLS.forEach((table, ops) -> copy.put(table, Set.copyOf(ops)));
        return copy;
    }
}
