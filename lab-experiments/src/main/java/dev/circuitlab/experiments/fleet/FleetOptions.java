package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CircuitBreakerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ./lab fleet} runs: every scenario at every rate for every breaker.
 *
 * @param jsonFile    also write the summary here (null: only in the output directory)
 * @param parallelism runs simulated at once (each run is single-threaded and independent)
 */
public record FleetOptions(List<Double> rates, List<Scenario> scenarios, List<BreakerModel> breakers,
                           FleetParameters parameters, long seed, boolean quick, Path outputDir, Path jsonFile,
                           int parallelism) {

    public static final List<Double> DEFAULT_RATES = List.of(100.0, 1_000.0, 10_000.0, 100_000.0);
    public static final List<Double> QUICK_RATES = List.of(100.0, 1_000.0, 100_000.0);
    public static final List<String> DEFAULT_SCENARIOS = List.of("healthy", "outage-timeout", "outage-5xx", "noise",
            "partial", "sick-instance", "flapping");
    public static final long DEFAULT_SEED = 1;

    public FleetOptions {
        if (rates.isEmpty() || scenarios.isEmpty() || breakers.isEmpty()) {
            throw new IllegalArgumentException("nothing to run: give at least one rate, scenario and breaker");
        }
        rates = List.copyOf(rates);
        scenarios = List.copyOf(scenarios);
        breakers = List.copyOf(breakers);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1");
        }
    }

    /** Id of this project's breaker as it was before the refresh and flush intervals: a read per call, a write per failure. */
    public static final String READ_EVERY_CALL = "circuitlab-read-every-call";

    /**
     * The breakers of the comparison, each with its own defaults: this project's (today's defaults,
     * and with the refresh and flush intervals at 0, as it was before them) and the two peers.
     */
    public static List<BreakerModel> defaultBreakers() {
        return List.of(new CircuitLabModel(CircuitBreakerConfig.defaults()),
                new CircuitLabModel(READ_EVERY_CALL, CircuitBreakerConfig.builder()
                        .refreshInterval(java.time.Duration.ZERO).flushInterval(java.time.Duration.ZERO).build()),
                new PowertoolsModel(), new CircuitBreakerLambdaModel());
    }

    /**
     * This project's breaker with another refresh interval, as one more breaker beside the default
     * ones ({@code --refresh-ms N}), reported as {@code circuitlab-refresh-<N>ms}.
     */
    public static BreakerModel circuitLabWithRefresh(String millis) {
        long ms;
        try {
            ms = Long.parseLong(millis.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--refresh-ms needs a whole number of milliseconds, got '" + millis + "'");
        }
        if (ms < 0 || ms > 60_000) {
            throw new IllegalArgumentException("--refresh-ms must be within 0..60000, got " + ms);
        }
        return new CircuitLabModel("circuitlab-refresh-" + ms + "ms",
                CircuitBreakerConfig.builder().refreshInterval(java.time.Duration.ofMillis(ms)).build());
    }

    /**
     * This project's breaker configured as the upstream function would be by these environment
     * variables ({@code --circuit-env "CIRCUIT_FAILURE_RATE_THRESHOLD=50,CIRCUIT_MINIMUM_CALLS=100"}),
     * validated exactly as there, as one more breaker beside the default ones, reported as
     * {@code circuitlab-env}.
     *
     * @throws IllegalArgumentException if a pair is not NAME=VALUE, a name is not one the breaker
     *         reads, or a value is invalid (the breaker's own message, naming the variable)
     */
    public static BreakerModel circuitLabWithEnvironment(String pairs) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--circuit-env needs NAME=VALUE pairs separated by commas, got '"
                        + pair.trim() + "'");
            }
            String name = pair.substring(0, eq).trim();
            if (!CircuitBreakerConfig.environmentVariables().contains(name)) {
                throw new IllegalArgumentException("--circuit-env: " + name + " is not a breaker setting; choose from "
                        + String.join(", ", CircuitBreakerConfig.environmentVariables()));
            }
            env.put(name, pair.substring(eq + 1).trim());
        }
        return new CircuitLabModel(CIRCUIT_ENV, CircuitBreakerConfig.fromEnvironment(env));
    }

    /** Id of this project's breaker as configured by {@code --circuit-env}. */
    public static final String CIRCUIT_ENV = "circuitlab-env";

    /** Parses a comma-separated list of rates (requests per second), e.g. {@code 1000,100000}. */
    public static List<Double> parseRates(String list) {
        List<Double> rates = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim().replace("_", "");
            double v;
            try {
                v = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rps needs numbers separated by commas, got '" + part.trim() + "'");
            }
            if (!(v > 0) || v > 1_000_000) {
                throw new IllegalArgumentException("--rps values must be within (0, 1000000], got " + part.trim());
            }
            rates.add(v);
        }
        return rates;
    }

    /** Parses a comma-separated list of scenario names. */
    public static List<Scenario> parseScenarios(String list, boolean quick) {
        Map<String, Scenario> known = Scenario.all(quick);
        List<Scenario> chosen = new ArrayList<>();
        for (String part : list.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            Scenario s = known.get(name);
            if (s == null) {
                throw new IllegalArgumentException("unknown scenario '" + part.trim() + "': choose from "
                        + String.join(", ", known.keySet()));
            }
            chosen.add(s);
        }
        return chosen;
    }

    public static List<Scenario> defaultScenarios(boolean quick) {
        Map<String, Scenario> known = Scenario.all(quick);
        return DEFAULT_SCENARIOS.stream().map(known::get).toList();
    }

    /** Runs at once: one per core, at most 2 (this project's machine). */
    public static int defaultParallelism() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }
}
