package dev.circuitlab.observability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One JSON object per line, which Lambda ships to CloudWatch Logs as is (Logs Insights can query
 * every field). Each line has {@code timestamp}, {@code level}, {@code logger}, {@code message} and
 * the caller's key/value pairs.
 *
 * <p>A {@link Throwable} value (under any key) becomes {@code errorType}, {@code errorMessage} and
 * {@code rootCause}: what an operator acts on. Its stack trace is added as {@code stackTrace} only
 * when the threshold is {@link Level#DEBUG} or lower, so an outage (thousands of identical
 * failures) does not flood the log with traces.
 *
 * <p>The default sink writes through whatever {@code System.out} is <em>when the line is written</em>,
 * not when the logger is built: the local runtime swaps {@code System.out} for a stream that routes
 * each line to the function whose thread wrote it, and loggers held in static fields predate that.
 */
public final class StructuredLog {

    /** Severity, lowest first. */
    public enum Level {
        TRACE, DEBUG, INFO, WARN, ERROR;

        /** Lambda's names (TRACE..FATAL), any case; FATAL is ERROR; anything else is null. */
        static Level parse(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            String v = value.strip().toUpperCase(Locale.ROOT);
            if (v.equals("FATAL")) {
                return ERROR;
            }
            for (Level level : values()) {
                if (level.name().equals(v)) {
                    return level;
                }
            }
            return null;
        }
    }

    /**
     * Set by Lambda when the function's log format is JSON (the template's {@code LoggingConfig}):
     * the application log level, INFO unless the stack says otherwise.
     */
    public static final String LEVEL_VARIABLE = "AWS_LAMBDA_LOG_LEVEL";

    /** The process's stdout, looked up for every line (see the class comment). */
    public static final Consumer<String> STDOUT = line -> System.out.println(line);

    /**
     * The threshold of loggers built without one. Process-wide because loggers live in static
     * fields; in Lambda a process runs one function, so it is that function's level.
     */
    private static volatile Level defaultThreshold = Level.INFO;

    private final String logger;
    private final Consumer<String> sink;
    private final Level threshold;

    /** A logger that follows the process-wide threshold ({@link #useLevelFrom(Map)}). */
    public StructuredLog(String logger, Consumer<String> sink) {
        this(logger, sink, null);
    }

    /** @param threshold lines below it are dropped; null follows the process-wide threshold */
    public StructuredLog(String logger, Consumer<String> sink, Level threshold) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.threshold = threshold;
    }

    /** A stdout logger named after {@code type}'s simple name. */
    public static StructuredLog forClass(Class<?> type) {
        return new StructuredLog(type.getSimpleName(), STDOUT);
    }

    /**
     * Sets the process-wide threshold from {@value #LEVEL_VARIABLE} in a function's environment;
     * absent or unknown values leave INFO. Handlers call it with the environment they were built from.
     */
    public static void useLevelFrom(Map<String, String> environment) {
        Level level = Level.parse(environment.get(LEVEL_VARIABLE));
        defaultThreshold = level == null ? Level.INFO : level;
    }

    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    public void debug(String message, Object... keyValues) {
        write(Level.DEBUG, message, keyValues);
    }

    public void info(String message, Object... keyValues) {
        write(Level.INFO, message, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write(Level.WARN, message, keyValues);
    }

    public void error(String message, Object... keyValues) {
        write(Level.ERROR, message, keyValues);
    }

    private boolean enabled(Level level) {
        Level t = threshold == null ? defaultThreshold : threshold;
        return level.compareTo(t) >= 0;
    }

    private void write(Level level, String message, Object... keyValues) {
        if (!enabled(level)) {
            return;
        }
        try {
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.put("timestamp", Instant.now().toString());
            line.put("level", level.name());
            line.put("logger", logger);
            line.put("message", message);
            put(line, keyValues);
            sink.accept(line.toString());
        } catch (RuntimeException ignored) {
            // A broken log sink must never change an HTTP answer or a breaker decision.
        }
    }

    private void put(ObjectNode line, Object[] keyValues) {
        if (keyValues == null) {
            return;
        }
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            String key = String.valueOf(keyValues[i]);
            Object value = keyValues[i + 1];
            switch (value) {
                case null -> { }
                case Object[] nested -> put(line, nested);
                case Throwable t -> putFailure(line, t);
                case String s -> line.put(key, s);
                case Boolean b -> line.put(key, b);
                case Integer n -> line.put(key, n);
                case Long n -> line.put(key, n);
                case Double n -> line.put(key, n);
                case Float n -> line.put(key, n);
                case Number n -> line.putPOJO(key, n); // BigDecimal, Short...: still a JSON number
                default -> line.put(key, value.toString());
            }
        }
    }

    private void putFailure(ObjectNode line, Throwable t) {
        line.put("errorType", t.getClass().getName());
        line.put("errorMessage", String.valueOf(t.getMessage()));
        Throwable root = t;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 10; depth++) {
            root = root.getCause();
        }
        if (root != t) {
            line.put("rootCause", root.getClass().getName() + ": " + root.getMessage());
        }
        if (isDebugEnabled()) {
            line.put("stackTrace", stackTrace(t));
        }
    }

    /** The trace as text, causes included, for one JSON field (never to stderr). */
    private static String stackTrace(Throwable t) {
        StringBuilder text = new StringBuilder();
        Throwable current = t;
        for (int depth = 0; current != null && depth < 10; depth++) {
            text.append(depth == 0 ? "" : "\nCaused by: ").append(current);
            for (StackTraceElement frame : current.getStackTrace()) {
                text.append("\n\tat ").append(frame);
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return text.toString();
    }
}
