package dev.circuitlab.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One JSON object per line, which Lambda ships to CloudWatch Logs as is (and Logs Insights can
 * query by field). Deliberately tiny: level, logger, message and key/value fields. The sink is
 * stdout in Lambda; tests pass their own to assert on the lines.
 */
final class StructuredLog {

    static final Consumer<String> STDOUT = System.out::println;

    private final String logger;
    private final Consumer<String> sink;

    StructuredLog(String logger, Consumer<String> sink) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    void info(String message, Object... keyValues) {
        write("INFO", message, keyValues);
    }

    void warn(String message, Object... keyValues) {
        write("WARN", message, keyValues);
    }

    void error(String message, Object... keyValues) {
        write("ERROR", message, keyValues);
    }

    /** The fields to log for a failure: its type and message, never a stack trace. */
    static Object[] failure(Throwable t) {
        Throwable root = t;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 10; depth++) {
            root = root.getCause();
        }
        return new Object[] {"errorType", t.getClass().getName(), "errorMessage", String.valueOf(t.getMessage()),
                "rootCause", root == t ? null : root.getClass().getName() + ": " + root.getMessage()};
    }

    private void write(String level, String message, Object... keyValues) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("logger", logger);
        line.put("message", message);
        put(line, keyValues);
        try {
            sink.accept(Json.write(line));
        } catch (RuntimeException ignored) {
            // A broken log sink must never change an HTTP answer or a breaker decision.
        }
    }

    private static void put(ObjectNode line, Object[] keyValues) {
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            Object value = keyValues[i + 1];
            if (value instanceof Object[] nested) {
                put(line, nested); // failure(...) spliced in as one argument
            } else if (value instanceof Number || value instanceof Boolean || value instanceof String) {
                line.putPOJO(String.valueOf(keyValues[i]), value);
            } else if (value != null) {
                line.put(String.valueOf(keyValues[i]), value.toString());
            }
        }
    }
}
