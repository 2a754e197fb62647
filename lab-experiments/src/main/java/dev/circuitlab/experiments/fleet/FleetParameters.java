package dev.circuitlab.experiments.fleet;

import java.time.Duration;

/**
 * The world every breaker runs in: the Lambda fleet, the downstream and the DynamoDB partition.
 * The same for all three breakers of a comparison.
 *
 * @param concurrencyLimit      environments at most; above it Lambda throttles requests (429)
 * @param idleReclaim           an environment idle this long is reclaimed
 * @param coldStartMedian       init plus first invocation of a new environment (median)
 * @param coldStartSpread       cold starts are uniform within ± this fraction of the median
 * @param downstreamLatency     a downstream call's latency, healthy or failing with a 5xx
 * @param callTimeout           the upstream's timeout on the downstream call; a hanging call takes this long
 * @param functionTimeout       an invocation still waiting on DynamoDB at this point is stopped by Lambda
 * @param storeLatency          a DynamoDB request's round trip
 * @param readUnitsPerSecond    the item's (partition's) read cap
 * @param writeUnitsPerSecond   the item's write cap
 * @param burst                 spend unused capacity of the last 300 s above the caps
 * @param staleReadProbability  share of eventually consistent reads served by a lagging replica
 * @param staleReadMaxLag       how far that replica lags at most (uniform)
 */
public record FleetParameters(int concurrencyLimit, Duration idleReclaim, Duration coldStartMedian, double coldStartSpread,
                              Latency downstreamLatency, Duration callTimeout, Duration functionTimeout,
                              Latency storeLatency, double readUnitsPerSecond, double writeUnitsPerSecond, boolean burst,
                              double staleReadProbability, Duration staleReadMaxLag) {

    /** Lambda's default regional concurrency quota is 1,000; 3,000 is a raised one, as a fleet at 100,000 rps needs. */
    public static final int DEFAULT_CONCURRENCY_LIMIT = 3_000;
    /** docs/BENCHMARKS.md §4: the upstream's init plus first invoke, median of 5, about ±20 % between runs. */
    public static final Duration DEFAULT_COLD_START = Duration.ofMillis(1218);
    /** DynamoDB's documented per-partition maximum, and so one item's: 3,000 read units per second. */
    public static final double ITEM_READ_UNITS_PER_SECOND = 3_000;
    /** ... and 1,000 write units per second. */
    public static final double ITEM_WRITE_UNITS_PER_SECOND = 1_000;

    public FleetParameters {
        if (concurrencyLimit < 1) {
            throw new IllegalArgumentException("concurrencyLimit must be >= 1");
        }
        if (coldStartSpread < 0 || coldStartSpread >= 1) {
            throw new IllegalArgumentException("coldStartSpread must be within [0, 1)");
        }
        if (staleReadProbability < 0 || staleReadProbability > 1) {
            throw new IllegalArgumentException("staleReadProbability must be within [0, 1]");
        }
    }

    public static FleetParameters defaults() {
        return new FleetParameters(DEFAULT_CONCURRENCY_LIMIT, Duration.ofMinutes(5), DEFAULT_COLD_START, 0.2,
                new Latency(20, 60), Duration.ofSeconds(2), Duration.ofSeconds(10),
                new Latency(4, 10), ITEM_READ_UNITS_PER_SECOND, ITEM_WRITE_UNITS_PER_SECOND, false,
                1.0 / 3, Duration.ofMillis(100));
    }

    public FleetParameters withConcurrencyLimit(int limit) {
        return new FleetParameters(limit, idleReclaim, coldStartMedian, coldStartSpread, downstreamLatency, callTimeout,
                functionTimeout, storeLatency, readUnitsPerSecond, writeUnitsPerSecond, burst, staleReadProbability,
                staleReadMaxLag);
    }

    public FleetParameters withLatencies(Latency downstream, Latency store) {
        return new FleetParameters(concurrencyLimit, idleReclaim, coldStartMedian, coldStartSpread, downstream, callTimeout,
                functionTimeout, store, readUnitsPerSecond, writeUnitsPerSecond, burst, staleReadProbability,
                staleReadMaxLag);
    }

    public FleetParameters withBurst(boolean on) {
        return new FleetParameters(concurrencyLimit, idleReclaim, coldStartMedian, coldStartSpread, downstreamLatency,
                callTimeout, functionTimeout, storeLatency, readUnitsPerSecond, writeUnitsPerSecond, on,
                staleReadProbability, staleReadMaxLag);
    }

    public FleetParameters withStaleReads(double probability, Duration maxLag) {
        return new FleetParameters(concurrencyLimit, idleReclaim, coldStartMedian, coldStartSpread, downstreamLatency,
                callTimeout, functionTimeout, storeLatency, readUnitsPerSecond, writeUnitsPerSecond, burst, probability,
                maxLag);
    }

    public FleetParameters withColdStart(Duration median, double spread) {
        return new FleetParameters(concurrencyLimit, idleReclaim, median, spread, downstreamLatency, callTimeout,
                functionTimeout, storeLatency, readUnitsPerSecond, writeUnitsPerSecond, burst, staleReadProbability,
                staleReadMaxLag);
    }
}
