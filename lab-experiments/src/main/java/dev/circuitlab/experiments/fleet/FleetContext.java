package dev.circuitlab.experiments.fleet;

/** What a run gives a breaker algorithm: the DynamoDB model, and where to report the shared state. */
public interface FleetContext {

    /** The circuit's id (its item key). */
    String circuitId();

    SimulatedDynamoDb dynamoDb();

    /** After a write at {@code atMicros} the shared item says {@code state}: the run keeps only changes. */
    void sharedStateChanged(long atMicros, SharedState state);
}
