package dev.circuitlab.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.local.template.FunctionDefinition;
import dev.circuitlab.local.template.ResolvedTemplate;
import dev.circuitlab.testing.LocalCredentials;
import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The local Lambda service: one {@link ExecutionEnvironmentPool} per template function, built
 * with the function's environment plus the variables Lambda itself sets.
 */
public final class LocalLambdaService implements AutoCloseable {

    /** Concurrency of a function without ReservedConcurrentExecutions (an account has 1000; a laptop less). */
    public static final int DEFAULT_CONCURRENCY = 10;

    private final Map<String, ExecutionEnvironmentPool> pools = new LinkedHashMap<>();
    private final ObjectMapper mapper;

    /** @param credentials the functions' role credentials and region, as Lambda sets them in the environment */
    public LocalLambdaService(ResolvedTemplate template, ClassLoader loader, ObjectMapper mapper,
                              PrintStream console, int defaultConcurrency, LocalCredentials credentials) {
        this.mapper = mapper;
        // Resolve every handler first, so a missing class fails the start, not the first request.
        Map<String, HandlerAdapter> adapters = new LinkedHashMap<>();
        for (FunctionDefinition fn : template.functions().values()) {
            adapters.put(fn.logicalId(), HandlerAdapter.forFunction(fn, loader, mapper));
        }
        for (FunctionDefinition fn : template.functions().values()) {
            int limit = fn.reservedConcurrency().orElse(defaultConcurrency);
            FunctionLog log = new FunctionLog(fn.logicalId(), console, FunctionLog.DEFAULT_CAPACITY);
            pools.put(fn.logicalId(), new ExecutionEnvironmentPool(fn, limit, adapters.get(fn.logicalId()), log,
                    lambdaEnvironment(fn, credentials)));
        }
    }

    /**
     * The template's variables plus the reserved ones a Lambda function sees, among them its role's
     * credentials (the local ones: a function's signed calls to IAM routes then verify).
     */
    public static Map<String, String> lambdaEnvironment(FunctionDefinition fn, LocalCredentials credentials) {
        Map<String, String> env = new LinkedHashMap<>(fn.environment());
        String region = credentials.region();
        env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
        if (credentials.sessionToken() != null) {
            env.put("AWS_SESSION_TOKEN", credentials.sessionToken());
        }
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_LAMBDA_FUNCTION_NAME", fn.functionName());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(fn.memorySizeMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_ARN", "arn:aws:lambda:" + region + ":123456789012:function:" + fn.functionName());
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + fn.functionName());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("_HANDLER", fn.handler());
        return env;
    }

    public Optional<ExecutionEnvironmentPool> pool(String logicalId) {
        return Optional.ofNullable(pools.get(logicalId));
    }

    public Collection<ExecutionEnvironmentPool> pools() {
        return pools.values();
    }

    /** {@code {"functions": {"Name": {...metrics...}}}} for {@code /_local/metrics}. */
    public ObjectNode metricsJson() {
        ObjectNode root = mapper.createObjectNode();
        root.put("timestamp", System.currentTimeMillis());
        ObjectNode functions = root.putObject("functions");
        for (ExecutionEnvironmentPool pool : pools.values()) {
            ObjectNode fn = pool.metrics().toJson(mapper);
            fn.put("concurrencyLimit", pool.concurrencyLimit());
            ObjectNode envs = fn.putObject("environments");
            envs.put("live", pool.environments());
            envs.put("idle", pool.idleEnvironments());
            functions.set(pool.function().logicalId(), fn);
        }
        return root;
    }

    @Override
    public void close() {
        pools.values().forEach(ExecutionEnvironmentPool::close);
    }
}
