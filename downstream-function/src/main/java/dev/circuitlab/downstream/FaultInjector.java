package dev.circuitlab.downstream;

import dev.circuitlab.function.HttpApiResponse;
import dev.circuitlab.function.Json;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Applies one {@link FaultConfig} to one request: rolls the probability, sleeps for latency and
 * timeout faults, and builds the replacement response for the others. Every injected response
 * carries {@code X-Fault-Injected: <mode>}.
 *
 * <p>No fault ever sleeps past the Lambda's remaining time (minus {@link #DEADLINE_MARGIN}), so the
 * function answers instead of being killed by its own timeout: a killed invocation would look like
 * a platform error, not like the slow or hung dependency the fault is meant to imitate.
 */
record FaultInjector(RandomGenerator random, Sleeper sleeper, Duration maxLatency) {

    static final String INJECTED_HEADER = "X-Fault-Injected";
    static final String LATENCY_HEADER = "X-Fault-Latency-Ms";
    /** Time kept back from the Lambda deadline to serialize and return the response. */
    static final Duration DEADLINE_MARGIN = Duration.ofMillis(200);
    /** Seconds a throttled caller is told to wait. */
    static final String RETRY_AFTER_SECONDS = "1";

    /** What happened to the request. */
    sealed interface Outcome {
    }

    /** No fault this time (mode none, or the probability roll said no): serve normally. */
    record NotInjected() implements Outcome {
    }

    /** Slept {@code delayMs}: serve normally, marked as a latency fault. */
    record Delayed(long delayMs) implements Outcome {
    }

    /** Answer with {@code response} instead of the payload. */
    record Answered(FaultMode mode, HttpApiResponse response) implements Outcome {
        Answered withHeader(String name, String value) {
            return new Answered(mode, response.withHeader(name, value));
        }
    }

    /**
     * @param remaining the Lambda's remaining time ({@code Context.getRemainingTimeInMillis()}); null when
     *                  unknown, in which case the configured maximum fault latency bounds every sleep
     */
    Outcome inject(FaultConfig fault, Duration remaining) {
        if (fault.mode() == FaultMode.NONE || !appliesThisTime(fault.probability())) {
            return new NotInjected();
        }
        long budgetMs = remaining == null
                ? maxLatency.toMillis()
                : Math.max(0, remaining.minus(DEADLINE_MARGIN).toMillis());
        return switch (fault.mode()) {
            case NONE -> new NotInjected();
            case LATENCY -> new Delayed(sleep(Math.min(fault.latency().pickMs(random), budgetMs)));
            case TIMEOUT -> {
                // Hold the caller past its own timeout; latencyMs, when given, caps the hold.
                long held = sleep(fault.latency() == null ? budgetMs : Math.min(fault.latency().pickMs(random), budgetMs));
                yield answered(fault, 504, "injected timeout: held the request for " + held + " ms")
                        .withHeader(LATENCY_HEADER, Long.toString(held));
            }
            case ERROR -> answered(fault, fault.statusCode(), "injected error");
            case THROTTLE -> answered(fault, 429, "injected throttle: slow down")
                    .withHeader("Retry-After", RETRY_AFTER_SECONDS);
            case UNAVAILABLE -> answered(fault, 503, "injected outage: service unavailable");
        };
    }

    /** One draw per request, even at probability 1, so a seeded run is reproducible whatever the config. */
    private boolean appliesThisTime(double probability) {
        return random.nextDouble() < probability;
    }

    private long sleep(long ms) {
        if (ms <= 0) {
            return 0;
        }
        try {
            sleeper.sleep(Duration.ofMillis(ms));
        } catch (InterruptedException e) {
            // The runtime is shutting the instance down: stop holding the request.
            Thread.currentThread().interrupt();
        }
        return ms;
    }

    private static Answered answered(FaultConfig fault, int status, String message) {
        HttpApiResponse response = HttpApiResponse.json(status, Json.object()
                        .put("error", message)
                        .put("mode", fault.mode().wireName()))
                .withHeader(INJECTED_HEADER, fault.mode().wireName());
        return new Answered(fault.mode(), response);
    }
}
