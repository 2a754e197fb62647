package dev.circuitlab.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.circuitlab.local.dashboard.LocalDashboard;
import dev.circuitlab.local.dynamodb.LocalDynamoDb;
import dev.circuitlab.local.http.IamCaller;
import dev.circuitlab.local.http.LocalApiServer;
import dev.circuitlab.local.http.RouteGuard;
import dev.circuitlab.local.http.RouteTable;
import dev.circuitlab.local.http.SigV4Verifier;
import dev.circuitlab.local.lambda.InvocationResult;
import dev.circuitlab.local.lambda.LocalLambdaService;
import dev.circuitlab.local.lambda.StandardStreamRouter;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.ResolvedTemplate;
import dev.circuitlab.local.template.SamTemplate;
import dev.circuitlab.testing.LocalCredentials;
import java.io.PrintStream;
import java.time.Clock;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code ./lab start-api} runs, in one object: the template resolved for this run, the
 * DynamoDB endpoint with the template's tables, the functions' execution environments and the
 * HTTP server. Closing it stops all of it, dynalite included.
 */
public final class LocalRuntime implements AutoCloseable {

    private final ObjectMapper mapper;
    private final PrintStream console;
    private SamTemplate samTemplate;
    private ResolvedTemplate template;
    private LocalDynamoDb dynamoDb;
    private LocalApiServer server;
    private LocalLambdaService lambdas;
    private RouteTable routes;
    private LocalDashboard dashboard;
    private LocalCredentials credentials;
    private boolean verifiesSignatures;
    private boolean closed;

    private LocalRuntime(PrintStream console) {
        this.mapper = newMapper();
        this.console = console;
    }

    /** The JSON conventions of the Lambda Java runtime's serializer: nulls left out, unknown fields ignored. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
    }

    /** Starts everything, or stops what it had started and rethrows. */
    public static LocalRuntime start(RuntimeOptions options) {
        allowKeepAliveConnectionsForManyEnvironments();
        StandardStreamRouter.install();
        LocalRuntime runtime = new LocalRuntime(
                options.console() != null ? options.console() : StandardStreamRouter.unroutedErr());
        try {
            runtime.boot(options);
            return runtime;
        } catch (RuntimeException | Error e) {
            runtime.close();
            throw e;
        }
    }

    private void boot(RuntimeOptions options) {
        samTemplate = SamTemplate.load(options.template());
        // Resolve once before starting anything, so a bad override fails fast.
        samTemplate.resolve(bindings(options, "http://127.0.0.1:0", "http://127.0.0.1:0"));

        server = LocalApiServer.bind(options.port());
        dynamoDb = LocalDynamoDb.start(options.dynamoDbEndpoint(), options.projectRoot());
        useLocalCredentialsIfNone(dynamoDb.endpoint());

        LocalBindings bindings = bindings(options, server.baseUrl(), dynamoDb.endpoint().toString());
        template = samTemplate.resolve(bindings);
        template.warnings().forEach(w -> console.println("warning: " + w));
        lambdas = new LocalLambdaService(template, Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : LocalRuntime.class.getClassLoader(),
                mapper, console, options.defaultConcurrency(), options.credentials());
        dynamoDb.createTables(template.tables(), console);

        dashboard = LocalDashboard.start(samTemplate, bindings, lambdas, server, mapper);
        dashboard.errors().values().forEach(e -> console.println("warning: local dashboard: " + e));

        routes = new RouteTable(template.routes());
        routes.conflicts().forEach(c -> console.println("warning: " + c));
        credentials = options.credentials();
        RouteGuard guard = new RouteGuard(template.apis(),
                options.verifySignatures() ? new SigV4Verifier(credentials, Clock.systemUTC()) : null,
                IamCaller.local(credentials.accessKeyId()));
        verifiesSignatures = guard.verifiesSignatures();
        if (!verifiesSignatures) {
            console.println("warning: --no-auth: IAM routes accept unsigned requests (API Gateway would answer 403)");
        }
        server.start(routes, guard, lambdas, mapper, options.accessLog() ? console : null);
    }

    private static LocalBindings bindings(RuntimeOptions options, String baseUrl, String dynamoDbEndpoint) {
        // DYNAMODB_ENDPOINT is how the handlers find the local table server (empty in AWS).
        return new LocalBindings(options.parameterOverrides(), baseUrl, Map.of("DYNAMODB_ENDPOINT", dynamoDbEndpoint));
    }

    /**
     * Handlers build SDK clients with the default credential chain; on a laptop without AWS
     * credentials that fails before the endpoint override matters. For a loopback endpoint,
     * dummy credentials (as system properties, the chain's first source) fill the gap.
     */
    private static void useLocalCredentialsIfNone(URI endpoint) {
        if (!LocalDynamoDb.isLoopback(endpoint)) {
            return;
        }
        if (System.getProperty("aws.accessKeyId") == null && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
        }
        if (System.getProperty("aws.region") == null && System.getenv("AWS_REGION") == null) {
            System.setProperty("aws.region", "us-east-1");
        }
    }

    /**
     * Every execution environment of every function shares this JVM, and their SDK clients use the
     * URLConnection HTTP client, whose keep-alive cache holds only 5 connections per destination
     * by default: beyond that, each DynamoDB call would open a new connection. In Lambda one
     * environment serves one request at a time, so the default is right there. The JDK reads the
     * property once, at the first HTTP connection, so set it before any (an explicit value wins).
     */
    static void allowKeepAliveConnectionsForManyEnvironments() {
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "100");
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public int port() {
        return server.port();
    }

    public ResolvedTemplate template() {
        return template;
    }

    public RouteTable routes() {
        return routes;
    }

    public LocalLambdaService lambdas() {
        return lambdas;
    }

    public LocalApiServer server() {
        return server;
    }

    /** The live dashboard at {@code /_dashboard}, and the metrics it draws. */
    public LocalDashboard dashboard() {
        return dashboard;
    }

    /** What signatures on IAM routes must be made with (and what the functions sign their calls with). */
    public LocalCredentials credentials() {
        return credentials;
    }

    /** False with {@code --no-auth}. */
    public boolean verifiesSignatures() {
        return verifiesSignatures;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDb.endpoint();
    }

    /** The dynalite child process, if this runtime started one. */
    public Optional<Long> dynalitePid() {
        return dynamoDb == null ? Optional.empty() : dynamoDb.dynalitePid();
    }

    /** Invokes a function directly (like {@code sam local invoke}), through the same pool as HTTP requests. */
    public InvocationResult invoke(String functionId, JsonNode event) {
        return lambdas.pool(functionId)
                .orElseThrow(() -> new LabException("unknown function '" + functionId + "'"))
                .invoke(event);
    }

    /**
     * Stops taking requests, then the execution environments, then dynalite, and gives the
     * standard streams back. Safe to call twice, and after a failed start.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> inOrder = new ArrayList<>();
        if (server != null) {
            inOrder.add(server);
        }
        if (dashboard != null) {
            inOrder.add(dashboard);
        }
        if (lambdas != null) {
            inOrder.add(lambdas);
        }
        if (dynamoDb != null) {
            inOrder.add(dynamoDb);
        }
        inOrder.add(StandardStreamRouter::uninstall);
        for (AutoCloseable c : inOrder) {
            try {
                c.close();
            } catch (Exception e) {
                console.println("warning: while stopping: " + e.getMessage());
            }
        }
    }
}
