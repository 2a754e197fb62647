package dev.circuitlab.breaker;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.DynamoDbEndpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The breaker contract against LocalStack's DynamoDB in a container. Runs only where a Docker engine
 * answers; elsewhere JUnit reports it skipped (dynalite covers the same contract there).
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalStackCircuitBreakerTest extends CircuitBreakerContract {

    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4")).withServices("dynamodb");

    private DynamoDbClient client;
    private String table;

    @BeforeAll
    void createTable() {
        client = DynamoDbEndpoint.clientBuilder(LOCALSTACK.getEndpoint()).build();
        table = DynamoDbEndpoint.uniqueTableName("circuits");
        client.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
    }

    @Override
    CircuitStateStore store() {
        return new DynamoDbCircuitStateStore(client, table);
    }
}
