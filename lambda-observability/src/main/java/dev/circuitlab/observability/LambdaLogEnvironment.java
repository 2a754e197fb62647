package dev.circuitlab.observability;

import java.util.function.Consumer;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * The library's Lambda environment, writing each EMF document as one line through a
 * {@link LineSink}.
 *
 * <p>Handing the logger an explicit environment matters: the library's default
 * {@code EnvironmentProvider} probes for its environment, and its EC2 and ECS probes call the
 * instance-metadata endpoint (169.254.169.254) over the network. With an explicit environment that
 * code never runs. What this one adds to each document are properties only (function version, log
 * stream, sampled trace id, read from Lambda's variables when present); its default dimensions
 * (LogGroup, ServiceName, ServiceType) are never used because {@link MetricsPublisher} sets the
 * dimension set explicitly.
 */
public final class LambdaLogEnvironment extends LambdaEnvironment {

    private final ISink sink;

    public LambdaLogEnvironment(Consumer<String> lines) {
        this.sink = new LineSink(lines);
    }

    @Override
    public ISink getSink() {
        return sink;
    }
}
