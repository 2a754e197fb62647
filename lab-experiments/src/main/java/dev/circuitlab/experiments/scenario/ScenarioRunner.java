package dev.circuitlab.experiments.scenario;

import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.experiments.Cleanup;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.lambda.ExecutionEnvironmentPool;
import dev.circuitlab.local.lambda.InvocationMetrics;
import dev.circuitlab.local.template.TableDefinition;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.SigV4Requests;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One run of the scenario: starts the local runtime in-process with the run's parameter overrides,
 * warms it up, resets the circuit, then plays the timeline (fault API calls at phase boundaries)
 * under the open-loop load while a {@link Sampler} watches the functions and the circuit item.
 * Stops everything it started before returning.
 */
public final class ScenarioRunner {

    static final String UPSTREAM = "UpstreamFunction";
    static final String DOWNSTREAM = "DownstreamFunction";
    static final long TICK_MS = 20;
    static final int STATE_EVERY_TICKS = 10;
    /** A 503 at or below this share of the call timeout is a fast rejection. */
    static final double FAST_503_SHARE = 0.10;

    private final ScenarioOptions options;
    private final PrintStream progress;

    public ScenarioRunner(ScenarioOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Warm-up arrivals run at this multiple of the scenario's rates (more JIT in the same time, still bounded). */
    static final double WARMUP_RATE_FACTOR = 2;

    /**
     * @param firstInJvm the first run pays for class loading and JIT of everything in this JVM: its
     *                   warm-up lasts twice as long, so that the two runs start from similar states
     */
    public RunResult run(boolean breakerEnabled, PrintStream runtimeLog, boolean firstInJvm) throws InterruptedException {
        String name = breakerEnabled ? "breaker-on" : "breaker-off";
        Map<String, String> overrides = options.overridesFor(breakerEnabled);
        long started = System.nanoTime();
        try (LocalRuntime runtime = LocalRuntime.start(options.runtimeOptions(breakerEnabled, runtimeLog));
             HttpClient loadClient = LoadGenerator.newClient();
             HttpClient controlClient = LoadGenerator.newClient();
             DynamoDbClient ddb = DynamoDbEndpoint.clientBuilder(runtime.dynamoDbEndpoint()).build()) {
            Cleanup.register(runtime);
            URI base = URI.create(runtime.baseUrl());
            // The fault and circuit APIs are IAM routes: control calls are signed like the README's curl lines.
            SigV4Requests control = new SigV4Requests(runtime.credentials());
            Map<String, String> params = runtime.template().parameterValues();
            long callTimeoutMs = Long.parseLong(params.getOrDefault("CircuitCallTimeoutMs", "2000"));
            String circuitId = params.getOrDefault("CircuitId", "downstream");
            ExecutionEnvironmentPool up = runtime.lambdas().pool(UPSTREAM).orElseThrow();
            ExecutionEnvironmentPool down = runtime.lambdas().pool(DOWNSTREAM).orElseThrow();
            String table = runtime.template().tables().stream()
                    .filter(t -> t.logicalId().equals("CircuitStateTable")).map(TableDefinition::tableName)
                    .findFirst().orElseThrow(() -> new IllegalStateException("template has no CircuitStateTable"));
            DynamoDbCircuitStateStore store = new DynamoDbCircuitStateStore(ddb, table);
            progress.printf(Locale.ROOT, "[%s] local runtime on %s (upstream limit %d, downstream limit %d) in %.1f s%n",
                    name, base, up.concurrencyLimit(), down.concurrencyLimit(), (System.nanoTime() - started) / 1e9);

            LoadGenerator generator = new LoadGenerator(loadClient, base, options.maxInFlight(), options.clientTimeout(),
                    FAST_503_SHARE * callTimeoutMs);

            // Warm-up: environments and JIT, unrecorded; then a clean circuit and no fault.
            if (!options.warmup().isZero()) {
                long warmupMs = options.warmup().toMillis() * (firstInJvm ? 2 : 1);
                generator.run(LoadGenerator.schedule(options.seed() + 1, WARMUP_RATE_FACTOR * options.upstreamRps(),
                        WARMUP_RATE_FACTOR * options.healthRps(), warmupMs), System.nanoTime(), false);
            }
            send(controlClient, control, base, "POST", "/circuits/" + circuitId + "/reset", null);
            controlCall(controlClient, control, base, "DELETE", "/faults", null);

            long t0 = System.nanoTime() + 200_000_000L;
            long t0Epoch = System.currentTimeMillis() + (t0 - System.nanoTime()) / 1_000_000L;
            Sampler sampler = new Sampler(() -> counters(up.metrics(), down.metrics(), controlCalls),
                    breakerEnabled ? () -> state(store, circuitId) : null, t0, TICK_MS, STATE_EVERY_TICKS).start();
            List<RunResult.FaultChange> changes = new ArrayList<>();
            Thread controller = new Thread(() -> playTimeline(controlClient, control, base, t0, changes, name),
                    name + "-faults");
            controller.setDaemon(true);
            controller.start();
            LoadGenerator.Result load;
            List<Tick> ticks;
            try {
                load = generator.run(LoadGenerator.schedule(options.seed(), options.upstreamRps(), options.healthRps(),
                        options.timeline().totalMs()), t0, true);
            } finally {
                controller.interrupt();
                controller.join(10_000);
                ticks = sampler.stop();
                controlCall(controlClient, control, base, "DELETE", "/faults", null);
            }
            if (!load.drained()) {
                progress.printf("[%s] warning: some requests were still in flight after the client timeout%n", name);
            }
            Cleanup.unregister(runtime);
            synchronized (changes) {
                return new RunResult(name, breakerEnabled ? "Breaker ON" : "Breaker OFF (BREAKER_ENABLED=false)",
                        breakerEnabled, overrides, callTimeoutMs, up.concurrencyLimit(), options.timeline(), t0Epoch,
                        load.records(), ticks, changes, load.maxDispatchLagMs());
            }
        }
    }

    /**
     * Fault API calls are downstream invocations too. They run under this lock, which the sampler
     * also takes, so each sample sees a whole number of them and can leave them out of the count of
     * {@code GET /downstream} invocations.
     */
    private final ReentrantLock controlLock = new ReentrantLock();
    private final AtomicLong controlCalls = new AtomicLong();

    private int controlCall(HttpClient client, SigV4Requests signer, URI base, String method, String path,
                            String body) {
        controlLock.lock();
        try {
            controlCalls.incrementAndGet();
            return send(client, signer, base, method, path, body);
        } finally {
            controlLock.unlock();
        }
    }

    private void playTimeline(HttpClient controlClient, SigV4Requests control, URI base, long t0,
                              List<RunResult.FaultChange> changes, String name) {
        Timeline timeline = options.timeline();
        for (int i = 0; i < timeline.phases().size(); i++) {
            long due = t0 + timeline.startOf(i) * 1_000_000L;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            Timeline.Phase phase = timeline.phases().get(i);
            double offset = (System.nanoTime() - t0) / 1e6;
            int status = phase.healthy()
                    ? controlCall(controlClient, control, base, "DELETE", "/faults", null)
                    : controlCall(controlClient, control, base, "PUT", "/faults", faultBody(phase));
            synchronized (changes) {
                changes.add(new RunResult.FaultChange(offset, phase.mode(), status));
            }
            progress.printf(Locale.ROOT, "[%s] t=%5.1f s  downstream: %s for %s%n", name, offset / 1000, phase.mode(),
                    Timeline.formatDuration(phase.durationMs()));
        }
    }

    /** The persistent fault for a phase; it expires on its own shortly after the phase should end. */
    static String faultBody(Timeline.Phase phase) {
        long expires = (long) Math.ceil(phase.durationMs() / 1000.0) + 30;
        StringBuilder b = new StringBuilder("{\"mode\":\"").append(phase.mode()).append("\",\"probability\":1");
        if (phase.latencyMs() != null) {
            b.append(",\"latencyMs\":").append(phase.latencyMs());
        }
        return b.append(",\"expiresInSeconds\":").append(expires).append('}').toString();
    }

    private static int send(HttpClient client, SigV4Requests signer, URI base, String method, String path,
                            String body) {
        HttpRequest.Builder b = signer.json(method, base.resolve(path), body).timeout(Duration.ofSeconds(5));
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Downstream invocations without the fault API calls (see {@link #controlLock}). */
    private Sampler.Counters counters(InvocationMetrics up, InvocationMetrics down, AtomicLong control) {
        controlLock.lock();
        try {
            return new Sampler.Counters(up.concurrentExecutions(), up.throttles(), up.invocations(),
                    down.invocations() - control.get(), down.concurrentExecutions());
        } finally {
            controlLock.unlock();
        }
    }

    private static Sampler.StateReading state(DynamoDbCircuitStateStore store, String circuitId) {
        CircuitSnapshot s = store.load(circuitId);
        return new Sampler.StateReading(s.state().name(), s.openedAt(), s.retryAt());
    }
}
