package dev.circuitlab.experiments.bench;

import dev.circuitlab.upstream.UpstreamHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Single-flight recovery under contention: N execution environments (each its own handler and
 * breaker) call at the same instant right after the cool-down. The downstream holds every call it
 * gets until all N have decided, so every admitted probe is in flight at once; the count of calls
 * that reached it is the count of admitted probes. Repeated with a fresh trip each time.
 */
final class HalfOpenProbeBench {

    record Result(int configuredProbes, int callers, int repetitions, List<Integer> admitted) {
        int max() {
            return admitted.stream().mapToInt(Integer::intValue).max().orElse(0);
        }

        int min() {
            return admitted.stream().mapToInt(Integer::intValue).min().orElse(0);
        }

        boolean withinLimitEveryTime() {
            return !admitted.isEmpty() && max() <= configuredProbes;
        }
    }

    private final URI endpoint;
    private final String table;

    HalfOpenProbeBench(URI endpoint, String table) {
        this.endpoint = endpoint;
        this.table = table;
    }

    Result run(int configuredProbes, int callers, int repetitions) throws Exception {
        Map<String, String> settings = Map.of("CIRCUIT_HALF_OPEN_PROBES", Integer.toString(configuredProbes),
                // The probes' leases must outlive the hold; no real time passes on the manual clock anyway.
                "CIRCUIT_PROBE_LEASE_MS", "11000", "CIRCUIT_CALL_TIMEOUT_MS", "10000");
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try (UpstreamHarness h = new UpstreamHarness(endpoint, table, settings)) {
            List<UpstreamHandler> envs = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                envs.add(h.newEnvironment());
            }
            UpstreamHandler admin = envs.get(0);
            int threshold = h.config().breaker().failureThreshold();
            long cooldown = h.config().breaker().openDuration().toMillis();
            List<Integer> admitted = new ArrayList<>();
            for (int rep = 0; rep < repetitions; rep++) {
                h.downstream.mode(FakeDownstream.Mode.HEALTHY);
                h.reset(admin);
                h.downstream.mode(FakeDownstream.Mode.FAILING);
                for (int i = 0; i < threshold; i++) {
                    UpstreamHarness.get(admin);
                }
                if (!h.storedState().equals("OPEN")) {
                    throw new IllegalStateException("the circuit did not open after " + threshold + " failures");
                }
                h.clock.advance(java.time.Duration.ofMillis(cooldown + 1));
                h.downstream.mode(FakeDownstream.Mode.HOLD);
                h.downstream.resetCalls();
                CyclicBarrier start = new CyclicBarrier(callers);
                AtomicInteger decidedWithoutCall = new AtomicInteger();
                List<Future<Integer>> results = new ArrayList<>();
                for (UpstreamHandler env : envs) {
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        int status = UpstreamHarness.get(env);
                        // Held calls cannot return before the release: a return now is a rejection.
                        decidedWithoutCall.incrementAndGet();
                        return status;
                    }));
                }
                // Every caller has either been rejected or is held in the downstream.
                RequestCostBench.waitFor(() -> decidedWithoutCall.get() + h.downstream.calls() >= callers,
                        "all " + callers + " callers to decide");
                int probes = h.downstream.calls();
                h.downstream.releaseHeld();
                for (Future<Integer> f : results) {
                    f.get(15, TimeUnit.SECONDS);
                }
                admitted.add(probes);
            }
            return new Result(configuredProbes, callers, repetitions, admitted);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
