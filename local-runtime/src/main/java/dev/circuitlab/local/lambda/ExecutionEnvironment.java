package dev.circuitlab.local.lambda;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One local stand-in for a Lambda execution environment: a handler instance and the single
 * thread that runs it, so it serves one request at a time and keeps its thread-locals between
 * invocations the way a warm sandbox does. Discarding it (after a timeout) interrupts that thread
 * and never hands the instance a request again.
 */
final class ExecutionEnvironment {

    private static final DateTimeFormatter STREAM_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");

    private final ExecutorService thread;
    private final OutputScope scope;
    private final String logStreamName;
    private Object handler;

    ExecutionEnvironment(String functionId, int number, FunctionLog log) {
        this.scope = new OutputScope(log);
        this.logStreamName = LocalDate.now(ZoneOffset.UTC).format(STREAM_DATE) + "/[$LATEST]"
                + UUID.randomUUID().toString().replace("-", "");
        // Its own thread group: threads the handler's libraries create land in it even when they
        // do not inherit thread-locals, so their output is still this function's.
        ThreadGroup group = new ThreadGroup(functionId + "-env-" + number);
        StandardStreamRouter.bind(group, scope);
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(group, () -> {
                StandardStreamRouter.bind(scope);
                task.run();
            }, functionId + "-env-" + number);
            t.setDaemon(true);
            return t;
        });
    }

    String logStreamName() {
        return logStreamName;
    }

    boolean initialized() {
        return handler != null;
    }

    Object handler() {
        return handler;
    }

    void handler(Object instance) {
        this.handler = instance;
    }

    /** Runs work on this environment's thread, attributing its output to {@code requestId}. */
    <T> Future<T> run(String requestId, Callable<T> work) {
        return thread.submit(() -> {
            scope.requestId(requestId);
            try {
                return work.call();
            } finally {
                System.out.flush();
                scope.requestId(null);
            }
        });
    }

    void discard() {
        thread.shutdownNow();
    }
}
