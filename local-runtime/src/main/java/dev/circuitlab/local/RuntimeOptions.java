package dev.circuitlab.local;

import dev.circuitlab.local.lambda.LocalLambdaService;
import dev.circuitlab.testing.LocalCredentials;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
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
 * @param credentials        what signatures on IAM routes are checked against, and what the functions
 *                           get as their role's credentials
 * @param verifySignatures   false ({@code --no-auth}) lets unsigned requests through IAM routes
 */
public record RuntimeOptions(Path projectRoot, Path template, int port, Map<String, String> parameterOverrides,
                             Optional<URI> dynamoDbEndpoint, PrintStream console, boolean accessLog,
                             int defaultConcurrency, LocalCredentials credentials, boolean verifySignatures) {

    public RuntimeOptions {
        parameterOverrides = Map.copyOf(parameterOverrides);
        Objects.requireNonNull(credentials, "credentials");
    }

    /**
     * Options for {@code projectRoot/template.yaml} on {@code port} with everything else defaulted:
     * credentials from this process's AWS_* variables (else {@code local}/{@code local}), signatures checked.
     */
    public static RuntimeOptions forProject(Path projectRoot, int port) {
        return new RuntimeOptions(projectRoot, projectRoot.resolve("template.yaml"), port, Map.of(), Optional.empty(),
                null, false, LocalLambdaService.DEFAULT_CONCURRENCY, LocalCredentials.fromEnvironment(System.getenv()),
                true);
    }

    public RuntimeOptions withTemplate(Path file) {
        return new RuntimeOptions(projectRoot, file, port, parameterOverrides, dynamoDbEndpoint, console, accessLog,
                defaultConcurrency, credentials, verifySignatures);
    }

    public RuntimeOptions withParameterOverrides(Map<String, String> overrides) {
        return new RuntimeOptions(projectRoot, template, port, overrides, dynamoDbEndpoint, console, accessLog,
                defaultConcurrency, credentials, verifySignatures);
    }

    public RuntimeOptions withDynamoDbEndpoint(URI endpoint) {
        return new RuntimeOptions(projectRoot, template, port, parameterOverrides, Optional.of(endpoint), console,
                accessLog, defaultConcurrency, credentials, verifySignatures);
    }

    public RuntimeOptions withConsole(PrintStream stream, boolean logRequests) {
        return new RuntimeOptions(projectRoot, template, port, parameterOverrides, dynamoDbEndpoint, stream,
                logRequests, defaultConcurrency, credentials, verifySignatures);
    }

    public RuntimeOptions withDefaultConcurrency(int limit) {
        return new RuntimeOptions(projectRoot, template, port, parameterOverrides, dynamoDbEndpoint, console,
                accessLog, limit, credentials, verifySignatures);
    }

    public RuntimeOptions withCredentials(LocalCredentials localCredentials) {
        return new RuntimeOptions(projectRoot, template, port, parameterOverrides, dynamoDbEndpoint, console,
                accessLog, defaultConcurrency, localCredentials, verifySignatures);
    }

    /** {@code false}: IAM routes accept unsigned requests ({@code --no-auth}). */
    public RuntimeOptions withSignatureVerification(boolean verify) {
        return new RuntimeOptions(projectRoot, template, port, parameterOverrides, dynamoDbEndpoint, console,
                accessLog, defaultConcurrency, credentials, verify);
    }
}
