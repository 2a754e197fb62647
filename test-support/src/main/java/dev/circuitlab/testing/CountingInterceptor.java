package dev.circuitlab.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** Counts SDK requests by operation name (GetItem, UpdateItem, ...), for request-cost assertions. */
public final class CountingInterceptor implements ExecutionInterceptor {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger consistentReads = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        if (context.request() instanceof GetItemRequest get && Boolean.TRUE.equals(get.consistentRead())) {
            consistentReads.incrementAndGet();
        }
    }

    /** GetItems sent strongly consistent (a full read unit each; an eventually consistent one costs half). */
    public int consistentReads() {
        return consistentReads.get();
    }

    public int count(String operation) {
        AtomicInteger c = counts.get(operation);
        return c == null ? 0 : c.get();
    }

    public int reads() {
        return count("GetItem") + count("Query") + count("Scan") + count("BatchGetItem");
    }

    public int writes() {
        return count("PutItem") + count("UpdateItem") + count("DeleteItem") + count("BatchWriteItem");
    }

    public int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public void reset() {
        counts.clear();
        consistentReads.set(0);
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
