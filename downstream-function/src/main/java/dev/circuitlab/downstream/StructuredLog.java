package dev.circuitlab.downstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;

/**
 * One JSON object per line on stdout, which Lambda ships to CloudWatch Logs as is (and Logs
 * Insights can query by field). Deliberately tiny: level, logger, message, key/value fields and,
 * for failures, the exception's type and message (never a stack trace: the messages carry the
 * operation and table, which is what an operator acts on).
 */
final class StructuredLog {

    private final String logger;
    private final PrintStream out;

    private StructuredLog(String logger, PrintStream out) {
        this.logger = logger;
        this.out = out;
    }

    static StructuredLog forClass(Class<?> type) {
        return new StructuredLog(type.getSimpleName(), System.out);
    }

    void info(String message, Object... keyValues) {
        write("INFO", message, null, keyValues);
    }

    void warn(String message, Throwable failure, Object... keyValues) {
        write("WARN", message, failure, keyValues);
    }

    void error(String message, Throwable failure, Object... keyValues) {
        write("ERROR", message, failure, keyValues);
    }

    private void write(String level, String message, Throwable failure, Object... keyValues) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("logger", logger);
        line.put("message", message);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                line.putPOJO(String.valueOf(keyValues[i]), keyValues[i + 1]);
            }
        }
        if (failure != null) {
            line.put("errorType", failure.getClass().getName());
            line.put("errorMessage", String.valueOf(failure.getMessage()));
            Throwable root = failure;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root != failure) {
                line.put("rootCause", root.getClass().getName() + ": " + root.getMessage());
            }
        }
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            json = "{\"level\":\"" + level + "\",\"logger\":\"" + logger + "\",\"message\":\"unserializable log line\"}";
        }
        out.println(json);
    }
}
