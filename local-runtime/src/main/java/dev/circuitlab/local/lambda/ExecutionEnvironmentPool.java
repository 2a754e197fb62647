package dev.circuitlab.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.local.template.FunctionDefinition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The execution environments of one function and the Lambda rules around them:
 * <ul>
 *   <li>at most {@code concurrencyLimit} invocations at once; one more is throttled at once,
 *       without waiting (the function's reserved concurrency, else the local default);</li>
 *   <li>a warm, idle environment is reused (most recently used first); otherwise a new one is
 *       built — a cold start, whose construction time is the REPORT line's Init Duration;</li>
 *   <li>an invocation that runs past the function Timeout is abandoned, its thread interrupted and
 *       its environment discarded; the next request gets a fresh one.</li>
 * </ul>
 */
public final class ExecutionEnvironmentPool implements AutoCloseable {

    /** Lambda gives the init phase (static init + constructor) 10 s. */
    static final long INIT_TIMEOUT_MS = 10_000;

    private final FunctionDefinition function;
    private final int concurrencyLimit;
    private final HandlerAdapter adapter;
    private final FunctionLog log;
    private final Map<String, String> environment;
    private final InvocationMetrics metrics = new InvocationMetrics();
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<ExecutionEnvironment> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger environmentsCreated = new AtomicInteger();
    private final AtomicInteger liveEnvironments = new AtomicInteger();
    private volatile boolean closed;

    ExecutionEnvironmentPool(FunctionDefinition function, int concurrencyLimit, HandlerAdapter adapter,
                             FunctionLog log, Map<String, String> environment) {
        this.function = function;
        this.concurrencyLimit = concurrencyLimit;
        this.adapter = adapter;
        this.log = log;
        this.environment = Map.copyOf(environment);
        this.permits = new Semaphore(concurrencyLimit);
    }

    public FunctionDefinition function() {
        return function;
    }

    public int concurrencyLimit() {
        return concurrencyLimit;
    }

    public InvocationMetrics metrics() {
        return metrics;
    }

    public FunctionLog log() {
        return log;
    }

    /** Environments alive now (busy or idle). */
    public int environments() {
        return liveEnvironments.get();
    }

    public int idleEnvironments() {
        return idle.size();
    }

    /** Invokes the function with an event, synchronously (RequestResponse). */
    public InvocationResult invoke(JsonNode event) {
        String requestId = UUID.randomUUID().toString();
        if (closed || !permits.tryAcquire()) {
            metrics.throttled();
            return new InvocationResult.Throttled(requestId, concurrencyLimit);
        }
        metrics.started();
        InvocationResult result = null;
        double durationMs = 0;
        ExecutionEnvironment env = null;
        boolean keep = false;
        try {
            env = idle.pollFirst();
            Double initMs = null;
            if (env == null) {
                env = newEnvironment();
                metrics.coldStart();
                long initStart = System.nanoTime();
                InvocationResult initFailure = initialize(env, requestId);
                initMs = millisSince(initStart);
                if (initFailure != null) {
                    result = initFailure;
                    report(requestId, 0, initMs, initFailure);
                    return result;
                }
            }
            log.append("platform", requestId, "START RequestId: " + requestId + " Version: $LATEST");
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(function.timeoutSeconds());
            LocalLambdaContext context = new LocalLambdaContext(requestId, function.functionName(),
                    environment.get("AWS_LAMBDA_FUNCTION_ARN"), env.logStreamName(), function.memorySizeMb(),
                    deadline, log);
            ExecutionEnvironment running = env;
            Future<JsonNode> call = env.run(requestId, () -> adapter.invoke(running.handler(), event, context));
            try {
                JsonNode response = call.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                result = new InvocationResult.Success(requestId, response);
                keep = true;
            } catch (TimeoutException e) {
                call.cancel(true);
                result = new InvocationResult.TimedOut(requestId, function.timeoutSeconds());
                log.append("platform", requestId, timestamp() + " " + requestId + " "
                        + ((InvocationResult.TimedOut) result).message());
            } catch (ExecutionException e) {
                result = error(requestId, e.getCause());
                // An Error (OutOfMemoryError, StackOverflowError...) leaves the sandbox unusable.
                keep = !(e.getCause() instanceof Error);
            } catch (InterruptedException e) {
                call.cancel(true);
                Thread.currentThread().interrupt();
                result = new InvocationResult.FunctionError(requestId, "Runtime.Interrupted",
                        "the local runtime is shutting down", List.of());
            }
            durationMs = millisSince(start);
            log.append("platform", requestId, "END RequestId: " + requestId);
            report(requestId, durationMs, initMs, result);
            return result;
        } finally {
            metrics.finished(result, durationMs);
            if (env != null) {
                if (keep && !closed) {
                    idle.offerFirst(env);
                } else {
                    env.discard();
                    liveEnvironments.decrementAndGet();
                }
            }
            permits.release();
        }
    }

    private ExecutionEnvironment newEnvironment() {
        liveEnvironments.incrementAndGet();
        return new ExecutionEnvironment(function.logicalId(), environmentsCreated.incrementAndGet(), log);
    }

    /** Builds the handler on the environment's own thread; returns the failure, or null. */
    private InvocationResult initialize(ExecutionEnvironment env, String requestId) {
        Map<String, String> vars = new LinkedHashMap<>(environment);
        vars.put("AWS_LAMBDA_LOG_STREAM_NAME", env.logStreamName());
        Map<String, String> variables = Map.copyOf(vars);
        Future<Object> init = env.run(null, () -> adapter.newInstance(variables,
                warning -> log.append("platform", null, warning)));
        try {
            env.handler(init.get(INIT_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            return null;
        } catch (TimeoutException e) {
            init.cancel(true);
            log.append("platform", requestId, "INIT_REPORT Init Duration: " + INIT_TIMEOUT_MS + ".00 ms\tPhase: init\tStatus: timeout");
            return new InvocationResult.FunctionError(requestId, "Runtime.InitTimeout",
                    "the handler's construction took longer than " + INIT_TIMEOUT_MS / 1000 + " s", List.of());
        } catch (ExecutionException e) {
            log.append("platform", requestId, "Init error in " + adapter.handlerClassName() + ":");
            return error(requestId, e.getCause());
        } catch (InterruptedException e) {
            init.cancel(true);
            Thread.currentThread().interrupt();
            return new InvocationResult.FunctionError(requestId, "Runtime.Interrupted",
                    "the local runtime is shutting down", List.of());
        }
    }

    /** Logs an unhandled exception like the Java runtime does (to the function's log, never to the caller). */
    private InvocationResult.FunctionError error(String requestId, Throwable cause) {
        StringWriter trace = new StringWriter();
        cause.printStackTrace(new PrintWriter(trace));
        for (String line : trace.toString().split("\\R")) {
            log.append("stderr", requestId, line);
        }
        List<String> frames = new ArrayList<>();
        Arrays.stream(cause.getStackTrace()).limit(50).forEach(f -> frames.add(f.toString()));
        return new InvocationResult.FunctionError(requestId, cause.getClass().getName(),
                String.valueOf(cause.getMessage()), frames);
    }

    private void report(String requestId, double durationMs, Double initMs, InvocationResult result) {
        StringBuilder line = new StringBuilder("REPORT RequestId: ").append(requestId)
                .append("\tDuration: ").append(format(durationMs)).append(" ms")
                .append("\tBilled Duration: ").append((long) Math.ceil(durationMs)).append(" ms")
                .append("\tMemory Size: ").append(function.memorySizeMb()).append(" MB");
        if (initMs != null) {
            line.append("\tInit Duration: ").append(format(initMs)).append(" ms");
        }
        if (result instanceof InvocationResult.TimedOut) {
            line.append("\tStatus: timeout");
        } else if (result instanceof InvocationResult.FunctionError) {
            line.append("\tStatus: error");
        }
        log.append("platform", requestId, line.toString());
    }

    private static String timestamp() {
        return java.time.Instant.now().toString();
    }

    private static String format(double ms) {
        return String.format(Locale.ROOT, "%.2f", ms);
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }

    @Override
    public void close() {
        closed = true;
        ExecutionEnvironment env;
        while ((env = idle.pollFirst()) != null) {
            env.discard();
            liveEnvironments.decrementAndGet();
        }
    }
}
