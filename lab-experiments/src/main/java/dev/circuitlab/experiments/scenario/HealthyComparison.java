package dev.circuitlab.experiments.scenario;

import dev.circuitlab.experiments.Cleanup;
import dev.circuitlab.local.LocalRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What the breaker adds to a healthy {@code /upstream} request over HTTP: the stack twice at the same
 * time in this JVM, breaker on and breaker off, each warmed by the same requests, then timed with
 * requests that alternate between the two (and alternate which goes first). Run after the outage
 * runs, whose healthy phases cannot compare fairly: they run one after the other in one JVM, and
 * the second profits from the JIT work of the first.
 *
 * <p>Closed loop, one request at a time (the scenario's overrides raise the API's route throttling
 * far above that).
 */
final class HealthyComparison {

    /** @param on breaker on, @param off breaker off: latency in ms of the timed requests */
    record Result(Percentiles.Summary on, Percentiles.Summary off, int samples, int warmup) {
        double p50Ratio() {
            return on.p50() / off.p50();
        }
    }

    private final ScenarioOptions options;

    HealthyComparison(ScenarioOptions options) {
        this.options = options;
    }

    Result run(PrintStream runtimeLog) throws InterruptedException, IOException {
        try (LocalRuntime on = start(true, runtimeLog);
             LocalRuntime off = start(false, runtimeLog);
             HttpClient client = LoadGenerator.newClient()) {
            Cleanup.register(on);
            Cleanup.register(off);
            HttpRequest toOn = request(on);
            HttpRequest toOff = request(off);
            int timed = options.comparisonRequests();
            int warmup = timed * 3 / 2;
            AlternatingTiming.Result r = AlternatingTiming.time(warmup, timed, true,
                    () -> send(client, toOn), () -> send(client, toOff));
            return new Result(r.first(), r.second(), timed, warmup);
        }
    }

    private LocalRuntime start(boolean breakerEnabled, PrintStream runtimeLog) {
        return LocalRuntime.start(options.runtimeOptions(breakerEnabled, runtimeLog));
    }

    private HttpRequest request(LocalRuntime runtime) {
        return HttpRequest.newBuilder(URI.create(runtime.baseUrl()).resolve("/upstream"))
                .timeout(options.clientTimeout()).header("Accept", "application/json").GET().build();
    }

    /** One request; its latency in ms. A non-200 answer is an error: this is the healthy path. */
    private static double send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        long t = System.nanoTime();
        HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
        double ms = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() != 200) {
            throw new IOException("healthy comparison: " + request.uri() + " answered " + r.statusCode());
        }
        return ms;
    }
}
