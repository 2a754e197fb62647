package dev.circuitlab.function;

import java.time.Duration;
import java.util.Objects;

/**
 * How patient a function's DynamoDB client is. Each function picks its own: the upstream consults
 * DynamoDB on every request and must fall back within about a second, the downstream only reads
 * its fault item now and then.
 *
 * @param connectTimeout opening a connection
 * @param socketTimeout  waiting for data on an open connection
 * @param apiCallTimeout one whole call, retries included
 * @param attemptTimeout one attempt; null leaves attempts bounded by {@code apiCallTimeout} alone
 * @param maxAttempts    attempts per call with the SDK's standard retry strategy (1 = no retry)
 */
public record DynamoDbClientSettings(Duration connectTimeout, Duration socketTimeout, Duration apiCallTimeout,
                                     Duration attemptTimeout, int maxAttempts) {

    public DynamoDbClientSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
        }
    }
}
