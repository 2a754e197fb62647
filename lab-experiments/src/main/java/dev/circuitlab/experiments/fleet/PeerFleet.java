package dev.circuitlab.experiments.fleet;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One run of a peer algorithm (Powertools, circuitbreaker-lambda): the shared item with its recent
 * versions, the DynamoDB model, and the instances made for it. Writes go through
 * {@link #write}, which reports a change of the item's state to the run.
 *
 * @param <I> the algorithm's item
 */
final class PeerFleet<I> implements BreakerModel.FleetBreaker {

    private final VersionedItem<I> item;
    private final FleetContext context;
    private final BiFunction<Environment, PeerFleet<I>, EnvironmentBreaker> instances;

    /**
     * @param image     the item's attributes, for its size (given the circuit id)
     * @param instances makes one environment's instance
     */
    PeerFleet(FleetContext context, BiFunction<I, String, Map<String, AttributeValue>> image,
              BiFunction<Environment, PeerFleet<I>, EnvironmentBreaker> instances) {
        String circuitId = context.circuitId();
        Function<I, Map<String, AttributeValue>> imageOf = i -> image.apply(i, circuitId);
        this.item = new VersionedItem<>(imageOf);
        this.context = context;
        this.instances = instances;
    }

    @Override
    public EnvironmentBreaker newEnvironment(Environment env) {
        return instances.apply(env, this);
    }

    VersionedItem<I> item() {
        return item;
    }

    SimulatedDynamoDb db() {
        return context.dynamoDb();
    }

    /** {@code value} is written at {@code atMicros}; the item now says {@code state}. */
    void write(long atMicros, I value, SharedState state) {
        item.write(atMicros, value);
        context.sharedStateChanged(atMicros, state);
    }
}
