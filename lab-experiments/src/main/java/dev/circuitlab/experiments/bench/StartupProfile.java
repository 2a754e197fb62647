package dev.circuitlab.experiments.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a cold start's time goes, by sampling: a daemon thread looks at the stack of the thread
 * running the handler about every millisecond and files the interval since the previous look under
 * the {@link Stage} of what the thread is doing, and under the current {@link Phase}. A function's
 * start-up warm-up thread (named {@code *-startup-warm-up}), while it lives, is sampled the same way
 * under {@link Phase#WARM_UP}.
 *
 * <p>A stack belongs to the stage of its <em>outermost</em> recognised frame: class loading, JSON
 * parsing or signing inside a DynamoDB request is the request's cost; Jackson inside a log line is
 * the log line's. Only JDK classes are used, so nothing warms the handler's libraries. Sampling costs
 * the handler thread a little (each look is a brief pause), so the totals run a few percent above an
 * unsampled cold start: the bench times the headline samples without it. The JIT's and the garbage
 * collector's threads are not sampled.
 */
final class StartupProfile {

    /** When: the handler class's loading, its construction, its first invocation; or the warm-up thread. */
    enum Phase { LOAD, INIT, INVOKE, WARM_UP }

    /** What, by the frames on the stack. */
    enum Stage {
        /** At init, building the client (and an enhanced table); in an invocation, the requests. */
        DYNAMODB("AWS SDK DynamoDB client"),
        /** The JDK HTTP client, the downstream call and its SigV4 signature. */
        HTTP("HTTP client, call and signature"),
        METRICS("metrics (EMF)"),
        LOG("log lines"),
        JSON("JSON bodies (Jackson)"),
        EVENTS("HTTP API event and response"),
        OTHER("handler, configuration, breaker, routing");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    private record Rule(String classPrefix, Stage stage) {
    }

    /** For each frame, the first rule whose prefix its class has: specific prefixes come first. */
    private static final List<Rule> RULES = List.of(
            new Rule("software.amazon.awssdk.http.auth.aws.", Stage.HTTP),
            new Rule("software.amazon.awssdk.", Stage.DYNAMODB),
            new Rule("dev.circuitlab.function.DynamoDbClients", Stage.DYNAMODB),
            new Rule("dev.circuitlab.function.FunctionCredentials", Stage.DYNAMODB),
            new Rule("dev.circuitlab.breaker.dynamodb.", Stage.DYNAMODB),
            new Rule("java.net.http.", Stage.HTTP),
            new Rule("jdk.internal.net.http.", Stage.HTTP),
            new Rule("dev.circuitlab.upstream.HttpDownstreamClient", Stage.HTTP),
            new Rule("dev.circuitlab.upstream.SigV4RequestSigner", Stage.HTTP),
            new Rule("dev.circuitlab.observability.StructuredLog", Stage.LOG),
            new Rule("dev.circuitlab.observability.", Stage.METRICS),
            new Rule("software.amazon.cloudwatchlogs.", Stage.METRICS),
            new Rule("dev.circuitlab.upstream.CircuitMetrics", Stage.METRICS),
            new Rule("dev.circuitlab.downstream.DownstreamMetrics", Stage.METRICS),
            new Rule("dev.circuitlab.function.Json", Stage.JSON),
            new Rule("com.fasterxml.jackson.", Stage.JSON),
            new Rule("dev.circuitlab.function.HttpApiRequest", Stage.EVENTS),
            new Rule("com.amazonaws.services.lambda.runtime.events.", Stage.EVENTS));

    private static final long INTERVAL_NANOS = 1_000_000;
    private static final String WARM_UP_SUFFIX = "-startup-warm-up";

    private final Thread target;
    private final Map<Phase, Map<Stage, double[]>> totals = new EnumMap<>(Phase.class);
    private final Thread sampler;
    private volatile Phase phase = Phase.LOAD;
    private volatile boolean running = true;

    StartupProfile(Thread target) {
        this.target = target;
        for (Phase p : Phase.values()) {
            Map<Stage, double[]> byStage = new EnumMap<>(Stage.class);
            for (Stage s : Stage.values()) {
                byStage.put(s, new double[1]);
            }
            totals.put(p, byStage);
        }
        // Warm the sampling path itself before anything is timed.
        classify(target.getStackTrace());
        warmUpThread();
        sampler = new Thread(this::sample, "startup-profile");
        sampler.setDaemon(true);
    }

    void start() {
        sampler.start();
    }

    void phase(Phase next) {
        phase = next;
    }

    /** Stops sampling and waits for the sampler. */
    void stop() throws InterruptedException {
        running = false;
        sampler.join(1000);
    }

    /** {@code BREAKDOWN phase=... stage=... ms=...} lines, one per non-empty cell. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        totals.forEach((p, byStage) -> byStage.forEach((s, v) -> {
            if (v[0] > 0) {
                lines.add(String.format(Locale.ROOT, "BREAKDOWN phase=%s stage=%s ms=%.2f", p.name(), s.name(), v[0]));
            }
        }));
        return lines;
    }

    private void sample() {
        long last = System.nanoTime();
        Thread warmUp = null;
        while (running) {
            LockSupport.parkNanos(INTERVAL_NANOS);
            Phase p = phase;
            Stage stage = classify(target.getStackTrace());
            if (warmUp == null && p != Phase.LOAD) {
                warmUp = warmUpThread();
            }
            StackTraceElement[] warmUpStack = warmUp == null ? null : warmUp.getStackTrace();
            long now = System.nanoTime();
            double interval = (now - last) / 1e6;
            totals.get(p).get(stage)[0] += interval;
            if (warmUpStack != null && warmUpStack.length > 0) {
                totals.get(Phase.WARM_UP).get(classify(warmUpStack))[0] += interval;
            }
            last = now;
        }
    }

    /** The function's warm-up thread, if one runs now. */
    private Thread warmUpThread() {
        Thread[] threads = new Thread[64];
        int n = target.getThreadGroup() == null ? 0 : target.getThreadGroup().enumerate(threads);
        for (int i = 0; i < n; i++) {
            if (threads[i].getName().endsWith(WARM_UP_SUFFIX)) {
                return threads[i];
            }
        }
        return null;
    }

    static Stage classify(StackTraceElement[] stack) {
        // getStackTrace lists the innermost frame first: walk from the outermost.
        for (int i = stack.length - 1; i >= 0; i--) {
            for (Rule rule : RULES) {
                if (stack[i].getClassName().startsWith(rule.classPrefix())) {
                    return rule.stage();
                }
            }
        }
        return Stage.OTHER;
    }
}
