package dev.circuitlab.experiments;

import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.DynamoDbEndpoint;
import java.net.URI;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** dynalite with one circuit table, for one test class: start it before its tests, close it after. */
public final class DynaliteTable implements AutoCloseable {

    private final DynaliteServer dynalite;
    private final String table;

    private DynaliteTable(DynaliteServer dynalite, String table) {
        this.dynalite = dynalite;
        this.table = table;
    }

    /** Starts dynalite and creates a circuit table named {@code prefix-<random>}. */
    public static DynaliteTable start(String prefix) {
        DynaliteServer dynalite = DynaliteServer.start(DynaliteServer.projectRoot());
        String table = DynamoDbEndpoint.uniqueTableName(prefix);
        try (DynamoDbClient c = DynamoDbEndpoint.clientBuilder(dynalite.endpoint()).build()) {
            c.createTable(DynamoDbCircuitStateStore.createTableRequest(table));
        } catch (RuntimeException e) {
            dynalite.close();
            throw e;
        }
        return new DynaliteTable(dynalite, table);
    }

    public URI endpoint() {
        return dynalite.endpoint();
    }

    public String table() {
        return table;
    }

    @Override
    public void close() {
        dynalite.close();
    }
}
