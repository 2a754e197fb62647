package dev.circuitlab.experiments.fleet;

import java.util.Locale;

/**
 * What a run counts, per simulated second and in total. A {@link Kind#SUM} adds up over the
 * second; a {@link Kind#MAX} keeps the highest value seen in the second (its total is the highest
 * of the run).
 */
public enum Metric {
    ARRIVALS(Kind.SUM, "upstream requests arriving"),
    LAMBDA_THROTTLES(Kind.SUM, "requests throttled by Lambda (429: concurrency limit reached)"),
    INVOCATIONS(Kind.SUM, "requests that ran in an environment"),
    COLD_STARTS(Kind.SUM, "environments started"),
    KILLED(Kind.SUM, "invocations that reached the function timeout"),
    PERMITTED(Kind.SUM, "calls the breaker permitted"),
    REJECTED(Kind.SUM, "calls the breaker rejected"),
    PROBES(Kind.SUM, "permitted calls that were probes"),
    FALLBACK_DECISIONS(Kind.SUM, "decisions made without the shared state (store failing)"),
    DOWNSTREAM_CALLS(Kind.SUM, "calls that reached the downstream"),
    DOWNSTREAM_FAILURES(Kind.SUM, "downstream calls that failed (5xx or timeout)"),
    CALLS_WHILE_OPEN(Kind.SUM, "non-probe downstream calls started while the shared circuit was OPEN"),
    READ_UNITS(Kind.SUM, "read units requested of the item (throttled requests included)"),
    READ_UNITS_CONSUMED(Kind.SUM, "read units served (and billed)"),
    WRITE_UNITS(Kind.SUM, "write units requested of the item (throttled requests included)"),
    WRITE_UNITS_CONSUMED(Kind.SUM, "write units served (and billed; failed conditions included)"),
    GET_ITEM(Kind.SUM, "GetItem requests sent (every SDK attempt)"),
    PUT_ITEM(Kind.SUM, "PutItem requests sent"),
    UPDATE_ITEM(Kind.SUM, "UpdateItem requests sent"),
    THROTTLED(Kind.SUM, "DynamoDB requests throttled (over the item's per-second cap)"),
    STORE_ERRORS(Kind.SUM, "store calls that failed after the SDK's retries"),
    ENVIRONMENTS(Kind.MAX, "environments alive"),
    BUSY(Kind.MAX, "environments running a request"),
    PROBES_IN_FLIGHT(Kind.MAX, "probe calls in flight at once"),
    SHARED_STATE(Kind.MAX, "shared circuit state (0 CLOSED, 1 HALF_OPEN, 2 OPEN), highest in the second"),
    REJECTING_PERCENT(Kind.MAX, "percent of recently active environments whose last decision was a rejection");

    /** How a metric combines within a second. */
    public enum Kind { SUM, MAX }

    private final Kind kind;
    private final String description;

    Metric(Kind kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    public Kind kind() {
        return kind;
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
