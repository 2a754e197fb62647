package dev.circuitlab.function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.circuitlab.observability.StructuredLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cold start's work that does not need the DynamoDB client, done on a second thread while the
 * function's constructor builds that client: loading and initializing the classes of the metrics
 * document, the log line, the JSON bodies, the HTTP API event and response and the HTTP call, which
 * the first request would otherwise load on its own thread. Each task runs its code path against
 * a discarding sink, throw-away credentials or a server of its own on the loopback interface (the
 * same stand-ins SnapStart priming uses): nothing leaves the process and nothing is written where
 * anyone reads, so a request racing the warm-up only finds classes already loaded.
 *
 * <p>It shortens a cold start only where there is a second CPU to run on (on Lambda, more than one
 * vCPU comes with more than 1,769 MB of memory), so it starts only where the JVM sees two or more:
 * on one, its thread would add its own cost and save nothing. Once per JVM and kind of function:
 * loaded classes are the JVM's, so another instance in the same JVM (the local runtime's pools)
 * starts no thread.
 *
 * <p>Tasks never fail the function: a failing one is skipped (the request path reports its own
 * failures). {@link #await} lets SnapStart wait for the warm-up before its snapshot.
 */
public final class StartupWarmup {

    /** The JVM's started warm-ups, by kind of function. */
    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();
    private static final StartupWarmup NONE = new StartupWarmup(null);

    private final Thread thread;

    private StartupWarmup(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts the tasks, in order, on one daemon thread, unless a warm-up of this kind already started
     * in this JVM.
     *
     * @param kind  names the function ({@code upstream}, {@code downstream})
     * @param tasks each loads what one part of the first request uses, with no visible effect
     */
    public static StartupWarmup start(String kind, List<Runnable> tasks) {
        Objects.requireNonNull(kind, "kind");
        List<Runnable> copy = List.copyOf(tasks);
        // On one CPU the thread would only add its own cost: the first request does the same work.
        if (Runtime.getRuntime().availableProcessors() < 2 || !STARTED.add(kind)) {
            return NONE;
        }
        Thread thread = new Thread(() -> {
            for (Runnable task : copy) {
                try {
                    task.run();
                } catch (RuntimeException | LinkageError ignored) {
                    // An optimization only: the request that needs the code path reports its own failure.
                }
            }
        }, kind + "-startup-warm-up");
        thread.setDaemon(true);
        thread.start();
        return new StartupWarmup(thread);
    }

    /** How long a SnapStart snapshot waits for the warm-up before the other hooks prime on their own. */
    public static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(5);

    /**
     * Registers, as the first hook, a wait for the warm-up: the snapshot is taken after it, never in
     * the middle of it.
     */
    public void holdSnapshotsFor(SnapStartPriming snapStart) {
        snapStart.register("start-up warm-up", () -> await(SNAPSHOT_WAIT), null);
    }

    /** A GET request as API Gateway would hand it over, for warming up and priming a handler. */
    public static APIGatewayV2HTTPEvent syntheticGet(String path, String requestId) {
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath(path)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path).build())
                        .withRequestId(requestId)
                        .build())
                .build();
    }

    /** A warm-up that does nothing (tests, embedding). */
    public static StartupWarmup none() {
        return NONE;
    }

    /** Waits until the tasks are done, at most {@code timeout}; true if they are (or there were none). */
    public boolean await(Duration timeout) {
        if (thread == null) {
            return true;
        }
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /**
     * The code every request of either function runs besides its own: an HTTP API event read, a JSON
     * body written and turned into an API Gateway response.
     */
    public static void httpApi() {
        APIGatewayV2HTTPEvent event = syntheticGet("/warm-up", "startup-warm-up");
        event.setHeaders(Map.of("accept", "application/json"));
        HttpApiRequest request = HttpApiRequest.from(event, null);
        HttpApiResponse.error(404, "warm-up", "path", request.path(), "limitBytes", HttpApiRequest.MAX_BODY_BYTES)
                .withHeader("X-Warm-Up", "true")
                .toApiGateway();
    }

    /** One JSON log line with the usual kinds of values, to nowhere. */
    public static void logLine() {
        new StructuredLog("startup-warm-up", line -> { }, StructuredLog.Level.INFO)
                .info("warm-up", "requestId", "startup-warm-up", "status", 404, "latencyMs", 1L, "probe", Boolean.TRUE);
    }
}
