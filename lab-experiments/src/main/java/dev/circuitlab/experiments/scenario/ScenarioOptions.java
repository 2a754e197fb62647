package dev.circuitlab.experiments.scenario;

import dev.circuitlab.local.RuntimeOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to run {@code ./lab scenario}.
 *
 * @param upstreamRps         arrivals per second on /upstream
 * @param healthRps           arrivals per second on /health
 * @param timeline            the downstream's behaviour over time
 * @param seed                arrival schedule seed (both runs get the same schedule)
 * @param warmup              unrecorded healthy load before the timeline (creates environments, JIT)
 * @param clientTimeout       the generator gives up on a request after this
 * @param maxInFlight         the generator never has more requests outstanding
 * @param parameterOverrides  template parameters on top of the scenario's own (user's win)
 * @param downstreamConcurrency concurrency of functions without reserved concurrency (the downstream):
 *                            an account's unreserved pool, larger than the upstream's reserved 10
 * @param outputDir           where series.json, report.html and the PNG go
 * @param png                 try headless Chromium for PNGs
 * @param comparisonRequests  timed /upstream requests per stack in the side-by-side healthy comparison
 *                            (after 1.5 times as many warm-up requests)
 */
public record ScenarioOptions(Path projectRoot, double upstreamRps, double healthRps, Timeline timeline, long seed,
                              Duration warmup, Duration clientTimeout, int maxInFlight,
                              Map<String, String> parameterOverrides, int downstreamConcurrency, Path outputDir,
                              boolean png, int comparisonRequests) {

    public static final int DEFAULT_COMPARISON_REQUESTS = 2_000;

    public static final double DEFAULT_RPS = 20;
    public static final long DEFAULT_SEED = 42;

    /**
     * The scenario's own parameter values: the downstream's timeout fault holds a request for its
     * function timeout minus 0.2 s, so a 5 s timeout keeps runs short while staying well above the
     * 2 s call timeout; the upstream gets reserved concurrency 10 (the local default made explicit).
     * The APIs' route throttling is set far above any load the scenario drives (its rates are capped
     * at 500 per second): the experiment compares the breaker on and off, and a 429 from the stage
     * would hide what the functions do.
     */
    public static Map<String, String> baseOverrides() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EnableFaultInjection", "true");
        m.put("DownstreamTimeout", "5");
        m.put("UpstreamReservedConcurrency", "10");
        m.put("ApiThrottlingRateLimit", "10000");
        m.put("ApiThrottlingBurstLimit", "5000");
        return m;
    }

    public static ScenarioOptions defaults(Path projectRoot, Path outputDir) {
        return new ScenarioOptions(projectRoot, DEFAULT_RPS, DEFAULT_RPS / 4, Timeline.defaults(), DEFAULT_SEED,
                Duration.ofSeconds(3), Duration.ofSeconds(5), 256, Map.of(), 100, outputDir, true,
                DEFAULT_COMPARISON_REQUESTS);
    }

    public ScenarioOptions {
        parameterOverrides = Map.copyOf(parameterOverrides);
        if (!(upstreamRps > 0) || upstreamRps > 500) {
            throw new IllegalArgumentException("--rps must be within (0, 500], got " + upstreamRps);
        }
        if (healthRps < 0 || healthRps > 500) {
            throw new IllegalArgumentException("--health-rps must be within [0, 500], got " + healthRps);
        }
        if (comparisonRequests < 1 || comparisonRequests > 100_000) {
            throw new IllegalArgumentException("comparison requests must be within 1..100000, got " + comparisonRequests);
        }
        if (timeline.totalMs() > 10 * 60_000) {
            throw new IllegalArgumentException("a scenario lasts at most 10 minutes per run");
        }
    }

    public ScenarioOptions with(double up, double health, Timeline t, long s, Duration w, Map<String, String> overrides,
                                Path out, boolean withPng) {
        return new ScenarioOptions(projectRoot, up, health, t, s, w, clientTimeout, maxInFlight, overrides,
                downstreamConcurrency, out, withPng, comparisonRequests);
    }

    /** The same options with another size of the side-by-side healthy comparison. */
    public ScenarioOptions withComparisonRequests(int requests) {
        return new ScenarioOptions(projectRoot, upstreamRps, healthRps, timeline, seed, warmup, clientTimeout, maxInFlight,
                parameterOverrides, downstreamConcurrency, outputDir, png, requests);
    }

    /** The local runtime of one run: this project, the run's overrides, its console and the unreserved pool. */
    public RuntimeOptions runtimeOptions(boolean breakerEnabled, PrintStream console) {
        return RuntimeOptions.forProject(projectRoot, 0)
                .withParameterOverrides(overridesFor(breakerEnabled))
                .withConsole(console, false)
                .withDefaultConcurrency(downstreamConcurrency);
    }

    /** All overrides of one run: the scenario's, then the user's, then the breaker switch (the user cannot pin it). */
    public Map<String, String> overridesFor(boolean breakerEnabled) {
        Map<String, String> m = baseOverrides();
        m.putAll(parameterOverrides);
        m.put("BreakerEnabled", Boolean.toString(breakerEnabled));
        return m;
    }
}
