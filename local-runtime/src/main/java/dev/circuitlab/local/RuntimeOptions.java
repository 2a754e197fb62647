package dev.circuitlab.local;

import dev.circuitlab.local.lambda.LocalLambdaService;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How to run the template locally.
 *
 * @param projectRoot        the repository root (where {@code tools/dynalite} lives)
 * @param template           the SAM template
 * @param port               HTTP port on 127.0.0.1; 0 picks a free one
 * @param parameterOverrides template parameter values
 * @param dynamoDbEndpoint   an existing DynamoDB endpoint; empty starts dynalite
 * @param console            where runtime messages and function logs go (null: the process's stderr)
 * @param accessLog          print one line per HTTP request to the console
 * @param defaultConcurrency concurrency limit of functions without reserved concurrency
 */
public record RuntimeOptions(Path projectRoot, Path template, int port, Map<String, String> parameterOverrides,
                             Optional<URI> dynamoDbEndpoint, PrintStream console, boolean accessLog,
                             int defaultConcurrency) {

    public RuntimeOptions {
        parameterOverrides = Map.copyOf(parameterOverrides);
    }

    /** Options for {@code projectRoot/template.yaml} on {@code port} with everything else defaulted. */
    public static RuntimeOptions forProject(Path projectRoot, int port) {
        return new RuntimeOptions(projectRoot, projectRoot.resolve("template.yaml"), port, Map.of(), Optional.empty(),
                null, false, LocalLambdaService.DEFAULT_CONCURRENCY);
    }

    public RuntimeOptions withTemplate(Path file) {
        return new RuntimeOptions(projectRoot, file, port, parameterOverrides, dynamoDbEndpoint, console, accessLog,
                defaultConcurrency);
    }

    public RuntimeOptions withParameterOverrides(Map<String, String> overrides) {
        return new RuntimeOptions(projectRoot, template, port, overrides, dynamoDbEndpoint, console, accessLog,
                defaultConcurrency);
    }

    public RuntimeOptions withDynamoDbEndpoint(URI endpoint) {
        return new RuntimeOptions(projectRoot, template, port, parameterOverrides, Optional.of(endpoint), console,
                accessLog, defaultConcurrency);
    }

    public RuntimeOptions withConsole(PrintStream stream, boolean logRequests) {
        return new RuntimeOptions(projectRoot, template, port, parameterOverrides, dynamoDbEndpoint, stream,
                logRequests, defaultConcurrency);
    }
}
