package dev.circuitlab.experiments.fleet;

import java.util.random.RandomGenerator;

/**
 * The DynamoDB partition that holds a circuit's item, as the fleet's clients see it: every request
 * takes a latency drawn from {@link FleetParameters#storeLatency()}, is charged its read or write
 * units ({@link ItemSize}), and is throttled when its second's window of the item's capacity
 * ({@link ItemCapacity}) is full. A throttled request consumes nothing; the calling client then
 * retries as its {@link SdkRetryPolicy} says, or gives up with a {@link StoreUnavailableException}.
 * No I/O and no threads: a request is a few arithmetic steps.
 */
public final class SimulatedDynamoDb {

    /** The three request types the breakers use. */
    public enum Api { GET_ITEM, PUT_ITEM, UPDATE_ITEM }

    /** Something whose current size in bytes is known: the item a request reads or writes. */
    public interface SizedItem {
        int sizeBytes();
    }

    /** What a request does to the item when DynamoDB serves it, at {@code atMicros}. */
    @FunctionalInterface
    public interface ItemRequest<T> {
        T apply(long atMicros);
    }

    private final ItemCapacity capacity;
    private final RunMeters meters;
    private final Latency latency;
    private final RandomGenerator random;
    private final double staleReadProbability;
    private final long staleReadMaxLagMicros;

    public SimulatedDynamoDb(ItemCapacity capacity, RunMeters meters, FleetParameters parameters, RandomGenerator random) {
        this.capacity = capacity;
        this.meters = meters;
        this.latency = parameters.storeLatency();
        this.random = random;
        this.staleReadProbability = parameters.staleReadProbability();
        this.staleReadMaxLagMicros = parameters.staleReadMaxLag().toNanos() / 1000;
    }

    public ItemCapacity capacity() {
        return capacity;
    }

    public RunMeters meters() {
        return meters;
    }

    /**
     * One SDK call from {@code env} with its client: attempts until DynamoDB serves it or the
     * client gives up. The environment's time advances by each attempt's round trip and each
     * back-off. A request is served (applied) halfway through its round trip.
     *
     * @param sdkRetries false for a request sent with retries turned off
     * @return what {@code request} returned when it was served
     * @throws StoreUnavailableException when the client gave up
     * @throws InvocationTimedOutException when a back-off reached the invocation's deadline
     */
    public <T> T call(Environment env, DynamoDbClientModel client, Api api, boolean consistentRead, boolean sdkRetries,
                      SizedItem item, ItemRequest<T> request) {
        SdkRetryPolicy policy = client.policy();
        boolean read = api == Api.GET_ITEM;
        long start = env.now;
        for (int attempt = 1; ; attempt++) {
            long roundTrip = latency.sampleMicros(random);
            long at = env.now + roundTrip / 2;
            meters.add(read ? Metric.GET_ITEM : api == Api.PUT_ITEM ? Metric.PUT_ITEM : Metric.UPDATE_ITEM, at, 1);
            int before = item.sizeBytes();
            double units = read ? ItemSize.readUnits(before, consistentRead) : ItemSize.writeUnits(before, before);
            if (capacity.admit(read, at, units)) {
                T value = request.apply(at);
                if (!read) {
                    double charged = ItemSize.writeUnits(before, item.sizeBytes());
                    if (charged > units) {
                        capacity.charge(false, at, charged - units);
                        units = charged;
                    }
                }
                meters.add(read ? Metric.READ_UNITS : Metric.WRITE_UNITS, at, units);
                meters.add(read ? Metric.READ_UNITS_CONSUMED : Metric.WRITE_UNITS_CONSUMED, at, units);
                env.advance(roundTrip);
                client.attempted(attempt);
                client.succeeded(attempt);
                return value;
            }
            meters.add(read ? Metric.READ_UNITS : Metric.WRITE_UNITS, at, units);
            meters.add(Metric.THROTTLED, at, 1);
            env.advance(roundTrip);
            client.attempted(attempt);
            int maxAttempts = sdkRetries ? policy.maxAttempts() : 1;
            if (attempt >= maxAttempts || !client.takeRetry()) {
                throw storeError(env, api + " throttled" + (attempt > 1 ? " " + attempt + " times" : ""));
            }
            long backoff = policy.backoffMicros(attempt, random);
            if (policy.apiCallTimeoutMicros() > 0 && env.now + backoff - start >= policy.apiCallTimeoutMicros()) {
                env.sleep(start + policy.apiCallTimeoutMicros() - env.now);
                throw storeError(env, api + " throttled, then the API call timeout");
            }
            env.sleep(backoff);
        }
    }

    /** What an eventually consistent GetItem of {@code item} served at {@code atMicros} returns. */
    <T> T readEventually(VersionedItem<T> item, long atMicros) {
        return item.readEventually(atMicros, random, staleReadProbability, staleReadMaxLagMicros);
    }

    private StoreUnavailableException storeError(Environment env, String message) {
        meters.add(Metric.STORE_ERRORS, env.now, 1);
        return new StoreUnavailableException(message);
    }
}
