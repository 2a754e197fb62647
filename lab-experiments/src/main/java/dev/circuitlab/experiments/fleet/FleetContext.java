package dev.circuitlab.experiments.fleet;

/** What a run gives a breaker algorithm: the DynamoDB model, and where to report the shared state. */
public interface FleetContext {

    /** The circuit's id (its item key). */
    String circuitId();

    SimulatedDynamoDb dynamoDb();

    /** The shared item now says {@code state} (a write at {@code atMicros} changed it). */
    void sharedStateChanged(long atMicros, SharedState state);
}
