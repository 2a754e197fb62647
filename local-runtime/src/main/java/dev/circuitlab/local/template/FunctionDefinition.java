package dev.circuitlab.local.template;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * An {@code AWS::Serverless::Function} after Globals are merged and intrinsics resolved.
 *
 * @param logicalId           the resource's logical ID (what {@code ./lab invoke} takes)
 * @param functionName        FunctionName, else the logical ID
 * @param handlerClass        the class part of {@code Handler}
 * @param handlerMethod       the method part of {@code Handler} ({@code handleRequest} if absent)
 * @param codeUri             CodeUri as written (informational: classes come from the classpath)
 * @param environment         Environment.Variables, resolved to strings
 * @param timeoutSeconds      Timeout (SAM default 3)
 * @param memorySizeMb        MemorySize (SAM default 128)
 * @param reservedConcurrency ReservedConcurrentExecutions, if set
 * @param routes              its HttpApi events
 */
public record FunctionDefinition(
        String logicalId,
        String functionName,
        String handlerClass,
        String handlerMethod,
        String codeUri,
        Map<String, String> environment,
        int timeoutSeconds,
        int memorySizeMb,
        OptionalInt reservedConcurrency,
        List<HttpRoute> routes) {

    public static final int DEFAULT_TIMEOUT_SECONDS = 3;
    public static final int DEFAULT_MEMORY_MB = 128;

    public FunctionDefinition {
        environment = Map.copyOf(environment);
        routes = List.copyOf(routes);
    }

    /** The template's Handler string. */
    public String handler() {
        return handlerClass + "::" + handlerMethod;
    }
}
