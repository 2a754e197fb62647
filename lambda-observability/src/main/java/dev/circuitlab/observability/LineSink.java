package dev.circuitlab.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * An EMF sink that lets the library serialize the document and hands each resulting line to a
 * consumer: stdout in Lambda (which ships it to CloudWatch Logs, where the metrics are extracted),
 * a list in tests.
 *
 * <p>Why not the library's {@code ConsoleSink}: it also prints through the current
 * {@code System.out} (looked up per line, which is what the local runtime's per-function stdout
 * routing needs), but it swallows serialization errors into an slf4j logger that nothing binds, so
 * a lost document would go unnoticed. This sink throws instead, and {@link MetricsPublisher}
 * logs and counts the failure.
 */
public final class LineSink implements ISink {

    private final Consumer<String> lines;

    public LineSink(Consumer<String> lines) {
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    @Override
    public void accept(MetricsContext context) {
        try {
            // The library splits a document past 100 metrics or 100 values per metric into several lines.
            for (String line : context.serialize()) {
                lines.accept(line);
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialize the EMF document", e);
        }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
    }
}
