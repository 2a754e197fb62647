package dev.circuitlab.experiments.fleet;

import java.util.Locale;

/**
 * What a run counts, per simulated second and in total. Counts are added up over the second
 * ({@link RunMeters#add}); levels (environments, probes in flight, state, percent rejecting) keep the
 * highest value seen in the second ({@link RunMeters#max}), and their total is the highest of the run.
 */
public enum Metric {
    ARRIVALS("upstream requests arriving"),
    LAMBDA_THROTTLES("requests throttled by Lambda (429: concurrency limit reached)"),
    INVOCATIONS("requests that ran in an environment"),
    COLD_STARTS("environments started"),
    KILLED("invocations that reached the function timeout"),
    PERMITTED("calls the breaker permitted"),
    REJECTED("calls the breaker rejected"),
    PROBES("permitted calls that were probes"),
    FALLBACK_DECISIONS("decisions made without the shared state (store failing)"),
    DOWNSTREAM_CALLS("calls that reached the downstream"),
    DOWNSTREAM_FAILURES("downstream calls that failed (5xx or timeout)"),
    CALLS_WHILE_OPEN("non-probe downstream calls started while the shared circuit was OPEN"),
    READ_UNITS("read units requested of the item (throttled requests included)"),
    READ_UNITS_CONSUMED("read units served (and billed)"),
    WRITE_UNITS("write units requested of the item (throttled requests included)"),
    WRITE_UNITS_CONSUMED("write units served (and billed; failed conditions included)"),
    GET_ITEM("GetItem requests sent (every SDK attempt)"),
    PUT_ITEM("PutItem requests sent"),
    UPDATE_ITEM("UpdateItem requests sent"),
    THROTTLED("DynamoDB requests throttled (over the item's per-second cap)"),
    STORE_ERRORS("store calls that failed after the SDK's retries"),
    ENVIRONMENTS("environments alive"),
    BUSY("environments running a request"),
    PROBES_IN_FLIGHT("probe calls in flight at once"),
    SHARED_STATE("shared circuit state (0 CLOSED, 1 HALF_OPEN, 2 OPEN), highest in the second"),
    REJECTING_PERCENT("percent of recently active environments whose last decision was a rejection");

    private final String description;

    Metric(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** camelCase name for JSON ({@code READ_UNITS_CONSUMED} → {@code readUnitsConsumed}). */
    public String jsonName() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return b.toString();
    }
}
