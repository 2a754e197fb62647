package dev.circuitlab.experiments.scenario;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load: requests go out at their scheduled times whether or not earlier ones have
 * answered (the way independent users arrive), so a slow server faces a growing backlog instead
 * of a politely slowing client. Arrivals are a Poisson process per route from a seed, so both runs
 * of a scenario send exactly the same schedule. Bounded on every side: only loopback, a fixed
 * schedule, a cap on requests in flight (beyond it a request is recorded as dropped, not queued),
 * and a client timeout.
 */
public final class LoadGenerator {

    /** One scheduled request. */
    public record Arrival(long offsetNanos, Route route) {
    }

    private final HttpClient client;
    private final URI baseUrl;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Duration clientTimeout;
    private final double fastThresholdMs;

    /**
     * @param baseUrl         the local runtime, http://127.0.0.1:PORT (anything but loopback is refused)
     * @param fastThresholdMs a 503 at or below this latency is a fast rejection
     */
    public LoadGenerator(HttpClient client, URI baseUrl, int maxInFlight, Duration clientTimeout, double fastThresholdMs) {
        requireLoopback(baseUrl);
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1");
        }
        this.client = client;
        this.baseUrl = baseUrl;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.clientTimeout = clientTimeout;
        this.fastThresholdMs = fastThresholdMs;
    }

    static void requireLoopback(URI uri) {
        String host = uri.getHost();
        if (!("http".equals(uri.getScheme()) && host != null
                && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1")))) {
            throw new IllegalArgumentException("the load generator only targets loopback addresses, not " + uri);
        }
    }

    /** The HTTP client the generator is meant for: HTTP/1.1, short connect timeout. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Poisson arrivals at {@code rps} per route over {@code durationMs}, merged in time order. The same
     * seed gives the same schedule; each route has its own stream, so changing one rate leaves the
     * other route's arrivals alone.
     */
    public static List<Arrival> schedule(long seed, double upstreamRps, double healthRps, long durationMs) {
        List<Arrival> all = new ArrayList<>();
        addPoisson(all, new SplittableRandom(seed), Route.UPSTREAM, upstreamRps, durationMs);
        addPoisson(all, new SplittableRandom(seed ^ 0x5DEECE66DL), Route.HEALTH, healthRps, durationMs);
        all.sort(Comparator.comparingLong(Arrival::offsetNanos));
        return all;
    }

    private static void addPoisson(List<Arrival> into, SplittableRandom random, Route route, double rps, long durationMs) {
        if (rps <= 0) {
            return;
        }
        double meanGapNanos = 1e9 / rps;
        double t = 0;
        long end = durationMs * 1_000_000L;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) * meanGapNanos;
            if (t >= end) {
                return;
            }
            into.add(new Arrival((long) t, route));
        }
    }

    /**
     * Sends the schedule relative to {@code t0Nanos} ({@link System#nanoTime()}), then waits for the
     * last answers (at most the client timeout plus a margin).
     *
     * @param keep whether to record the requests (false for warm-up)
     */
    public Result run(List<Arrival> schedule, long t0Nanos, boolean keep) throws InterruptedException {
        ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
        long maxLag = 0;
        for (Arrival a : schedule) {
            long due = t0Nanos + a.offsetNanos();
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            maxLag = Math.max(maxLag, System.nanoTime() - due);
            double dueMs = a.offsetNanos() / 1e6;
            if (!inFlight.tryAcquire()) {
                if (keep) {
                    records.add(new RequestRecord(a.route(), dueMs, Double.NaN, -1, Outcome.DROPPED));
                }
                continue;
            }
            send(a.route(), due, dueMs, keep ? records : null);
        }
        // Everything in flight ends by the client timeout; the margin covers the callbacks.
        long drainMs = clientTimeout.toMillis() + 2000;
        boolean drained = inFlight.tryAcquire(maxInFlight, drainMs, TimeUnit.MILLISECONDS);
        if (drained) {
            inFlight.release(maxInFlight);
        }
        List<RequestRecord> list = new ArrayList<>(records);
        list.sort(Comparator.comparingDouble(RequestRecord::sentOffsetMs));
        return new Result(list, maxLag / 1e6, drained);
    }

    private void send(Route route, long dueNanos, double dueMs, ConcurrentLinkedQueue<RequestRecord> records) {
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve(route.path()))
                .timeout(clientTimeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                try {
                    if (records != null) {
                        double latency = (System.nanoTime() - dueNanos) / 1e6;
                        boolean timedOut = error != null && unwrap(error) instanceof HttpTimeoutException;
                        int status = response != null ? response.statusCode() : -1;
                        records.add(new RequestRecord(route, dueMs, latency, status,
                                Outcome.classify(status, latency, timedOut, fastThresholdMs)));
                    }
                } finally {
                    inFlight.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            if (records != null) {
                records.add(new RequestRecord(route, dueMs, (System.nanoTime() - dueNanos) / 1e6, -1, Outcome.ERROR));
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /**
     * @param maxDispatchLagMs the most any request went out after its due time
     * @param drained          every request answered or timed out before the generator returned
     */
    public record Result(List<RequestRecord> records, double maxDispatchLagMs, boolean drained) {
    }
}
