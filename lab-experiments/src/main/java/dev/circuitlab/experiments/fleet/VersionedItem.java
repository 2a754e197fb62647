package dev.circuitlab.experiments.fleet;

import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A shared item of a peer algorithm, kept with its recent versions so an eventually consistent
 * read can return an older one: such a read is served by one of three replicas, and one of them
 * (probability {@code staleProbability}) lags the latest write by a uniform draw up to
 * {@code maxLagMicros}. Strongly consistent reads and every write see the latest version.
 *
 * @param <T> the item's value; null while the item does not exist
 */
final class VersionedItem<T> implements SimulatedDynamoDb.SizedItem {

    private static final int KEPT = 32;

    private final Function<T, Map<String, AttributeValue>> image;
    private final long[] times = new long[KEPT];
    private final Object[] values = new Object[KEPT];
    private int newest = -1;
    private int count;
    private T current;
    private int size;

    /** @param image the item's attributes, for its size */
    VersionedItem(Function<T, Map<String, AttributeValue>> image) {
        this.image = image;
    }

    T latest() {
        return current;
    }

    @Override
    public int sizeBytes() {
        return size;
    }

    /** The value written at {@code atMicros}. */
    void write(long atMicros, T value) {
        newest = (newest + 1) % KEPT;
        times[newest] = atMicros;
        values[newest] = value;
        count = Math.min(KEPT, count + 1);
        current = value;
        size = value == null ? 0 : ItemSize.of(image.apply(value));
    }

    /** What an eventually consistent read at {@code atMicros} returns. */
    @SuppressWarnings("unchecked")
    T readEventually(long atMicros, RandomGenerator random, double staleProbability, long maxLagMicros) {
        if (count == 0 || maxLagMicros <= 0 || random.nextDouble() >= staleProbability) {
            return current;
        }
        long asOf = atMicros - (long) (random.nextDouble() * maxLagMicros);
        for (int i = 0, at = newest; i < count; i++, at = (at - 1 + KEPT) % KEPT) {
            if (times[at] <= asOf) {
                return (T) values[at];
            }
        }
        // Older than every kept version: the oldest one kept, or no item if it did not exist yet.
        return count == KEPT ? (T) values[(newest + 1) % KEPT] : null;
    }
}
