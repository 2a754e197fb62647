package dev.circuitlab.experiments.bench;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a cold start's time and class loading go, by sampling: a daemon thread looks at the stack
 * of the thread running the handler about every half millisecond, files the interval since the
 * previous look, and the classes loaded in it, under the {@link Stage} of what the thread is doing,
 * and under the current {@link Phase}.
 *
 * <p>A stack belongs to the stage of its <em>outermost</em> recognised frame: class loading, JSON
 * parsing or signing inside a DynamoDB request is the request's cost; Jackson inside a log line is
 * the log line's. Only JDK classes are used, so nothing warms the handler's libraries. Sampling costs
 * the handler thread a little (each look is a brief pause), so the totals run a few percent above an
 * unsampled cold start: the bench times the headline samples without it. Work done on other threads
 * (the JIT, the garbage collector, a function's start-up warm-up) is not in it: it shows the
 * thread that answers the request.
 */
final class StartupProfile {

    /** When: the handler class's loading, its construction, and its first invocation. */
    enum Phase { LOAD, INIT, INVOKE }

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

    private final Thread target;
    private final ClassLoadingMXBean classLoading = ManagementFactory.getClassLoadingMXBean();
    private final Map<Phase, Map<Stage, double[]>> totals = new EnumMap<>(Phase.class);
    private final Thread sampler;
    private volatile Phase phase = Phase.LOAD;
    private volatile boolean running = true;
    private int samples;

    StartupProfile(Thread target) {
        this.target = target;
        for (Phase p : Phase.values()) {
            Map<Stage, double[]> byStage = new EnumMap<>(Stage.class);
            for (Stage s : Stage.values()) {
                byStage.put(s, new double[2]);
            }
            totals.put(p, byStage);
        }
        // Warm the sampling path itself before anything is timed.
        classify(target.getStackTrace());
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

    int samples() {
        return samples;
    }

    /** {@code BREAKDOWN phase=... stage=... ms=... classes=...} lines, one per non-empty cell. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        totals.forEach((p, byStage) -> byStage.forEach((s, v) -> {
            if (v[0] > 0 || v[1] > 0) {
                lines.add(String.format(Locale.ROOT, "BREAKDOWN phase=%s stage=%s ms=%.2f classes=%d",
                        p.name(), s.name(), v[0], (long) v[1]));
            }
        }));
        return lines;
    }

    private void sample() {
        long last = System.nanoTime();
        long lastClasses = classLoading.getTotalLoadedClassCount();
        while (running) {
            LockSupport.parkNanos(INTERVAL_NANOS);
            Phase p = phase;
            Stage stage = classify(target.getStackTrace());
            long now = System.nanoTime();
            long classes = classLoading.getTotalLoadedClassCount();
            double[] cell = totals.get(p).get(stage);
            cell[0] += (now - last) / 1e6;
            cell[1] += classes - lastClasses;
            last = now;
            lastClasses = classes;
            samples++;
        }
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
