package dev.circuitlab.experiments.bench;

import dev.circuitlab.experiments.scenario.AlternatingTiming;
import dev.circuitlab.experiments.scenario.Percentiles;
import dev.circuitlab.upstream.UpstreamConfig;
import dev.circuitlab.upstream.UpstreamHandler;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * DynamoDB requests per upstream request by circuit state (counted by a {@link
 * dev.circuitlab.testing.CountingInterceptor} on the handler's DynamoDB client), downstream calls
 * per request, and the fail-fast latency of a rejected call in OPEN.
 */
final class RequestCostBench {

    /** One state's cost: totals over {@code requests} upstream requests. */
    record Cost(String state, String what, int requests, int reads, int writes, int downstreamCalls) {
        double readsPerRequest() {
            return requests == 0 ? Double.NaN : (double) reads / requests;
        }

        double writesPerRequest() {
            return requests == 0 ? Double.NaN : (double) writes / requests;
        }

        double downstreamPerRequest() {
            return requests == 0 ? Double.NaN : (double) downstreamCalls / requests;
        }
    }

    /**
     * The state cache in steady state.
     *
     * @param periods cache periods the requests spanned (per environment)
     */
    record CacheCost(int environments, long cacheMs, int requests, long spanMs, int reads, int writes, long periods) {
        double readsPerEnvironmentPerPeriod() {
            return (double) reads / environments / periods;
        }
    }

    /**
     * @param openLatency        fail-fast latency in OPEN with refresh interval 0 (one read per call)
     * @param openLatencyDefault fail-fast latency in OPEN with the default refresh interval (OPEN known locally)
     * @param openReadsDefault   DynamoDB reads those default-setting rejections made
     * @param healthyOn          a healthy request with the breaker on (defaults), in-process, interleaved with
     * @param healthyOff         the same request with {@code BREAKER_ENABLED=false}
     */
    record Result(List<Cost> costs, CacheCost cache, Percentiles.Summary openLatency, long callTimeoutMs,
                  int openRequests, int openDownstreamCalls, Percentiles.Summary openLatencyDefault,
                  int openRequestsDefault, int openReadsDefault, Percentiles.Summary healthyOn,
                  Percentiles.Summary healthyOff) {
    }

    private final URI endpoint;
    private final String table;
    private final int n;

    RequestCostBench(URI endpoint, String table, boolean quick) {
        this.endpoint = endpoint;
        this.table = table;
        this.n = quick ? 40 : 200;
    }

    Result run() throws Exception {
        List<Cost> costs = new ArrayList<>();
        Percentiles.Summary openLatency;
        int openRequests;
        int openDownstream;
        long callTimeout;
        // Refresh and flush intervals 0: every call reads the item and every failure writes, the per-state worst case.
        try (UpstreamHarness h = new UpstreamHarness(endpoint, table,
                Map.of("CIRCUIT_REFRESH_INTERVAL_MS", "0", "CIRCUIT_FLUSH_INTERVAL_MS", "0"))) {
            callTimeout = h.config().breaker().callTimeout().toMillis();
            int threshold = h.config().breaker().failureThreshold();
            UpstreamHandler env = h.newEnvironment();
            // Healthy CLOSED, refresh interval 0.
            for (int i = 0; i < 5; i++) {
                UpstreamHarness.get(env);
            }
            costs.add(measure(h, "CLOSED", "healthy, refresh interval 0 (a read per call)", n,
                    () -> expect(200, UpstreamHarness.get(env))));

            // Failing in CLOSED, below the threshold; then the call that trips it.
            h.downstream.mode(FakeDownstream.Mode.FAILING);
            costs.add(measure(h, "CLOSED", "failing, below the threshold", threshold - 1,
                    () -> expect(502, UpstreamHarness.get(env))));
            costs.add(measure(h, "CLOSED -> OPEN", "the failure that trips", 1, () -> expect(502, UpstreamHarness.get(env))));
            require("OPEN", h.storedState());

            // OPEN: rejected fast; also the fail-fast latency (wall clock, in-process, no HTTP).
            int latencySamples = n * 5;
            for (int i = 0; i < 20; i++) {
                UpstreamHarness.get(env); // JIT the reject path a little before timing it
            }
            double[] lat = new double[latencySamples];
            int[] idx = {0};
            h.downstream.resetCalls();
            Cost open = measure(h, "OPEN", "rejected (fast 503)", latencySamples, () -> {
                long t = System.nanoTime();
                int s = UpstreamHarness.get(env);
                lat[idx[0]++] = (System.nanoTime() - t) / 1e6;
                expect(503, s);
            });
            costs.add(open);
            openLatency = Percentiles.summarize(lat);
            openRequests = open.requests();
            openDownstream = open.downstreamCalls();

            // HALF_OPEN: after the cool-down, the first call flips the circuit and probes.
            h.clock.advance(h.config().breaker().openDuration().plusMillis(1));
            h.downstream.mode(FakeDownstream.Mode.HOLD);
            UpstreamHandler prober = h.newEnvironment();
            h.counter.reset();
            h.downstream.resetCalls();
            CompletableFuture<Integer> probe = CompletableFuture.supplyAsync(() -> UpstreamHarness.get(prober));
            waitFor(() -> h.downstream.calls() == 1, "the probe to reach the downstream");
            Cost flip = new Cost("OPEN -> HALF_OPEN", "first call after the cool-down: flips and claims the probe",
                    1, h.counter.reads(), h.counter.writes(), h.downstream.calls());
            costs.add(measure(h, "HALF_OPEN", "rejected while the probe is in flight", n,
                    () -> expect(503, UpstreamHarness.get(env))));
            h.counter.reset();
            h.downstream.releaseHeld();
            expect(200, probe.get(10, TimeUnit.SECONDS));
            costs.add(new Cost(flip.state(), flip.what() + ", then records its success", 1,
                    flip.reads() + h.counter.reads(), flip.writes() + h.counter.writes(), flip.downstreamCalls()));
            h.downstream.mode(FakeDownstream.Mode.HEALTHY);
            int successes = h.config().breaker().successThreshold();
            if (successes > 1) {
                costs.add(measure(h, "HALF_OPEN", "a further probe (" + (successes - 1) + ", the last closes)", successes - 1,
                        () -> expect(200, UpstreamHarness.get(env))));
            }
            require("CLOSED", h.storedState());
        }
        Percentiles.Summary openDefault;
        int openDefaultReads;
        int openDefaultRequests = n * 5;
        // OPEN with the default refresh interval: the instance that tripped knows OPEN until the retry time.
        try (UpstreamHarness h = new UpstreamHarness(endpoint, table, Map.of())) {
            UpstreamHandler env = h.newEnvironment();
            h.downstream.mode(FakeDownstream.Mode.FAILING);
            for (int i = 0; i < h.config().breaker().failureThreshold(); i++) {
                expect(502, UpstreamHarness.get(env));
            }
            for (int i = 0; i < 20; i++) {
                UpstreamHarness.get(env);
            }
            double[] lat = new double[openDefaultRequests];
            h.counter.reset();
            for (int i = 0; i < openDefaultRequests; i++) {
                long t = System.nanoTime();
                int s = UpstreamHarness.get(env);
                lat[i] = (System.nanoTime() - t) / 1e6;
                expect(503, s);
            }
            openDefault = Percentiles.summarize(lat);
            openDefaultReads = h.counter.reads();
            h.downstream.mode(FakeDownstream.Mode.HEALTHY);
        }
        AlternatingTiming.Result onOff = healthyOnAndOff();
        return new Result(costs, cacheCost(), openLatency, callTimeout, openRequests, openDownstream, openDefault,
                openDefaultRequests, openDefaultReads, onOff.first(), onOff.second());
    }

    /**
     * What the breaker adds to a healthy request: the same handler with the defaults and with
     * {@code BREAKER_ENABLED=false}, in one JVM, warmed alike and timed alternately (so neither
     * profits from the JIT work of the other), against an in-process downstream: no HTTP, no
     * DynamoDB request in steady state (the copy is fresh), only the decision, the outcome, the
     * metrics and the log line.
     */
    private AlternatingTiming.Result healthyOnAndOff() throws IOException, InterruptedException {
        int samples = n * 25;
        try (UpstreamHarness on = new UpstreamHarness(endpoint, table, Map.of());
             UpstreamHarness off = new UpstreamHarness(endpoint, table, Map.of(UpstreamConfig.BREAKER_ENABLED, "false"))) {
            UpstreamHandler withBreaker = on.newEnvironment();
            UpstreamHandler without = off.newEnvironment();
            return AlternatingTiming.time(samples, samples, false, () -> healthyMillis(withBreaker), () -> healthyMillis(without));
        }
    }

    private static double healthyMillis(UpstreamHandler env) {
        long t = System.nanoTime();
        expect(200, UpstreamHarness.get(env));
        return (System.nanoTime() - t) / 1e6;
    }

    /**
     * Healthy steady state with a 1 s refresh interval in 2 environments: the clock
     * moves 10 ms per request, so 2 x n requests span 2n x 10 ms.
     */
    private CacheCost cacheCost() {
        long cacheMs = 1000;
        int envs = 2;
        try (UpstreamHarness h = new UpstreamHarness(endpoint, table, Map.of("CIRCUIT_REFRESH_INTERVAL_MS", Long.toString(cacheMs)))) {
            List<UpstreamHandler> environments = new ArrayList<>();
            for (int i = 0; i < envs; i++) {
                environments.add(h.newEnvironment());
            }
            h.counter.reset();
            long start = h.clock.millis();
            int requests = 0;
            for (int i = 0; i < n * envs; i++) {
                expect(200, UpstreamHarness.get(environments.get(i % envs)));
                requests++;
                h.clock.advance(java.time.Duration.ofMillis(10));
            }
            long span = h.clock.millis() - start;
            long periods = (long) Math.ceil((double) span / cacheMs);
            return new CacheCost(envs, cacheMs, requests, span, h.counter.reads(), h.counter.writes(), periods);
        }
    }

    private static Cost measure(UpstreamHarness h, String state, String what, int requests, Runnable request) {
        h.counter.reset();
        h.downstream.resetCalls();
        for (int i = 0; i < requests; i++) {
            request.run();
        }
        return new Cost(state, what, requests, h.counter.reads(), h.counter.writes(), h.downstream.calls());
    }

    static void expect(int expected, int actual) {
        if (expected != actual) {
            throw new IllegalStateException("expected HTTP " + expected + " from the upstream handler, got " + actual);
        }
    }

    private static void require(String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException("expected the circuit " + expected + ", it is " + actual);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }
}
