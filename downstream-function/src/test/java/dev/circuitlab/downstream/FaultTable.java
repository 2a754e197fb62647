package dev.circuitlab.downstream;

import dev.circuitlab.testing.DynamoDbEndpoint;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A fault table of a test class's own on the shared DynamoDB-API server, with its client and store. */
record FaultTable(DynamoDbClient client, String name, FaultStore store) implements AutoCloseable {

    static FaultTable create(DynamoDbEndpoint endpoint, ExecutionInterceptor... interceptors) {
        DynamoDbClient client = endpoint.client(interceptors);
        String name = DynamoDbEndpoint.uniqueTableName("faults");
        FaultStore.createTable(client, name);
        return new FaultTable(client, name, new FaultStore(client, name));
    }

    @Override
    public void close() {
        client.close();
    }
}
