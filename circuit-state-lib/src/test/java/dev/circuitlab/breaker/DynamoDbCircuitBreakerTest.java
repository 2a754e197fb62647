package dev.circuitlab.breaker;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The breaker contract against a real DynamoDB-API server (dynalite, LocalStack or DYNAMODB_ENDPOINT). */
@ExtendWith(DynamoDbExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbCircuitBreakerTest extends CircuitBreakerContract {

    private DynamoDbClient client;
    private String table;

    @BeforeAll
    void createTable(DynamoDbEndpoint endpoint) {
        client = endpoint.client();
        table = DynamoDbEndpoint.uniqueTableName("circuits");
        client.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
    }

    @Override
    CircuitStateStore store() {
        return new DynamoDbCircuitStateStore(client, table);
    }
}
