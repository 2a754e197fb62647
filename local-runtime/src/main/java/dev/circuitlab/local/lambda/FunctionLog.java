package dev.circuitlab.local.lambda;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Everything one function writes (stdout, stderr, its LambdaLogger) plus the platform's
 * START/END/REPORT lines: what CloudWatch Logs would hold. Keeps a bounded ring of recent lines
 * (the local dashboard reads EMF metrics from it), tells listeners, and echoes each line to the
 * runtime's console with a {@code [FunctionName]} prefix.
 */
public final class FunctionLog {

    /** One log line. {@code stream} is stdout, stderr, logger or platform. */
    public record Line(long timeMillis, String function, String requestId, String stream, String message) {
    }

    public static final int DEFAULT_CAPACITY = 5000;

    private final String function;
    private final PrintStream console;
    private final int capacity;
    private final ArrayDeque<Line> recent;
    private final List<Consumer<Line>> listeners = new CopyOnWriteArrayList<>();

    public FunctionLog(String function, PrintStream console, int capacity) {
        this.function = function;
        this.console = console;
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public String function() {
        return function;
    }

    public void append(String stream, String requestId, String message) {
        Line line = new Line(System.currentTimeMillis(), function, requestId, stream, message);
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(line);
        }
        console.println("[" + function + "] " + message);
        for (Consumer<Line> listener : listeners) {
            listener.accept(line);
        }
    }

    /** The most recent lines, oldest first. */
    public List<Line> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    public void addListener(Consumer<Line> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Line> listener) {
        listeners.remove(listener);
    }
}
