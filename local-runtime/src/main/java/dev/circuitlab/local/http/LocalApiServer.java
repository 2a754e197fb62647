package dev.circuitlab.local.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.circuitlab.local.LabException;
import dev.circuitlab.local.lambda.ExecutionEnvironmentPool;
import dev.circuitlab.local.lambda.FunctionLog;
import dev.circuitlab.local.lambda.InvocationResult;
import dev.circuitlab.local.lambda.LocalLambdaService;
import dev.circuitlab.local.lambda.StandardStreamRouter;
import dev.circuitlab.local.template.HttpRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The loopback HTTP server standing in for API Gateway: every API of the template on one port
 * (as {@code sam local start-api} does), each request turned into an HTTP API 2.0 event for the
 * route's function, its result turned back into HTTP. Under {@code /_local/} it serves the
 * runtime's own data: {@code metrics}, {@code routes} and {@code logs/<Function>}.
 */
public final class LocalApiServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    /** HTTP APIs accept payloads up to 10 MB. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

    private static final DateTimeFormatter ACCESS_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy HH:mm:ss", Locale.ENGLISH).withZone(ZoneId.systemDefault());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    /** Told about each answered request that matched an API route (the AWS/ApiGateway counterparts). Must be fast. */
    public interface ResponseListener {
        void answered(String apiId, String routeKey, int status, double latencyMs);
    }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<ResponseListener> responseListeners = new CopyOnWriteArrayList<>();
    private RouteTable routes;
    private RouteGuard guard;
    private LocalLambdaService lambdas;
    private ObjectMapper mapper;
    private PrintStream accessLog;

    private LocalApiServer(HttpServer server) {
        this.server = server;
    }

    /** Binds the port now (so the URL is known before functions are resolved); port 0 picks a free one. */
    public static LocalApiServer bind(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), port), 256);
            return new LocalApiServer(server);
        } catch (BindException e) {
            throw new LabException("port " + port + " on " + HOST + " is in use: stop whatever listens there, or pass --port N", e);
        } catch (IOException e) {
            throw new LabException("cannot listen on " + HOST + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://" + HOST + ":" + port();
    }

    /** Adds a handler under a path of its own (e.g. a dashboard page); before or after {@link #start}. */
    public void addContext(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    public void addResponseListener(ResponseListener listener) {
        responseListeners.add(listener);
    }

    /**
     * Starts serving; {@code guard} throttles and checks signatures before a route's function runs;
     * {@code accessLog} (may be null) gets one line per request.
     */
    public void start(RouteTable routes, RouteGuard guard, LocalLambdaService lambdas, ObjectMapper mapper,
                      PrintStream accessLog) {
        this.routes = routes;
        this.guard = guard;
        this.lambdas = lambdas;
        this.mapper = mapper;
        this.accessLog = accessLog;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    private void handle(HttpExchange exchange) {
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        HttpResponseData response;
        try {
            response = rawPath.startsWith("/_local/") ? local(exchange, rawPath) : api(exchange, rawPath, uri);
        } catch (IOException e) {
            exchange.close(); // the client went away while we read its body
            return;
        } catch (RuntimeException e) {
            // A bug of ours, not the function's: answer like a broken integration, say so on the console.
            StandardStreamRouter.unroutedErr().println("local runtime error on " + exchange.getRequestMethod() + " " + rawPath
                    + ": " + e);
            response = HttpApiResponses.INTERNAL_ERROR;
        }
        send(exchange, response);
        if (accessLog != null) {
            accessLog.println(exchange.getRemoteAddress().getAddress().getHostAddress() + " - - ["
                    + ACCESS_TIME.format(Instant.now()) + "] \"" + exchange.getRequestMethod() + " " + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " " + exchange.getProtocol()
                    + "\" " + response.status() + " -");
        }
    }

    private HttpResponseData api(HttpExchange exchange, String rawPath, URI uri) throws IOException {
        Optional<RouteTable.Match> match = routes.match(exchange.getRequestMethod(), rawPath);
        if (match.isEmpty()) {
            drain(exchange.getRequestBody());
            return HttpApiResponses.NOT_FOUND;
        }
        long start = System.nanoTime();
        HttpResponseData response = invokeRoute(exchange, rawPath, uri, match.get());
        double latencyMs = (System.nanoTime() - start) / 1_000_000.0;
        HttpRoute route = match.get().route();
        responseListeners.forEach(l -> l.answered(route.apiId(), route.routeKey(), response.status(), latencyMs));
        return response;
    }

    private HttpResponseData invokeRoute(HttpExchange exchange, String rawPath, URI uri, RouteTable.Match match)
            throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            return HttpApiResponses.TOO_LARGE;
        }
        HttpRequestData request = new HttpRequestData(exchange.getRequestMethod(), rawPath,
                uri.getRawQuery() == null ? "" : uri.getRawQuery(), lowerCase(exchange.getRequestHeaders()), body,
                exchange.getRemoteAddress().getAddress().getHostAddress(), port());
        RouteGuard.Decision decision = guard.check(match.route(), request);
        if (!decision.allowed()) {
            return decision.rejection();
        }
        String requestId = apiRequestId();
        ExecutionEnvironmentPool pool = lambdas.pool(match.route().functionId()).orElseThrow();
        ObjectNode event = HttpApiEvents.fromRequest(mapper, request, match, requestId, Instant.now(), decision.caller());
        InvocationResult result = pool.invoke(event);
        HttpResponseData response = HttpApiResponses.from(result);
        List<Map.Entry<String, String>> headers = new ArrayList<>(response.headers());
        headers.add(Map.entry("Apigw-Requestid", requestId));
        return new HttpResponseData(response.status(), headers, response.body());
    }

    private HttpResponseData local(HttpExchange exchange, String rawPath) throws IOException {
        drain(exchange.getRequestBody());
        if (!exchange.getRequestMethod().equals("GET")) {
            return HttpApiResponses.NOT_FOUND;
        }
        if (rawPath.equals("/_local/metrics")) {
            return HttpResponseData.json(200, write(lambdas.metricsJson()));
        }
        if (rawPath.equals("/_local/routes")) {
            ArrayNode list = mapper.createArrayNode();
            for (HttpRoute r : routes.routes()) {
                ObjectNode o = list.addObject();
                o.put("routeKey", r.routeKey());
                o.put("method", r.method());
                o.put("path", r.path());
                o.put("function", r.functionId());
                o.put("api", r.apiId());
            }
            return HttpResponseData.json(200, write(list));
        }
        if (rawPath.startsWith("/_local/logs/")) {
            String fn = rawPath.substring("/_local/logs/".length());
            Optional<ExecutionEnvironmentPool> pool = lambdas.pool(fn);
            if (pool.isEmpty()) {
                return HttpApiResponses.NOT_FOUND;
            }
            Map<String, String> query = HttpApiEvents.queryParameters(exchange.getRequestURI().getRawQuery());
            int limit = parseLimit(query.get("limit"));
            List<FunctionLog.Line> lines = pool.get().log().recent();
            ObjectNode root = mapper.createObjectNode();
            root.put("function", fn);
            ArrayNode array = root.putArray("lines");
            for (FunctionLog.Line l : lines.subList(Math.max(0, lines.size() - limit), lines.size())) {
                ObjectNode o = array.addObject();
                o.put("time", l.timeMillis());
                o.put("requestId", l.requestId());
                o.put("stream", l.stream());
                o.put("message", l.message());
            }
            return HttpResponseData.json(200, write(root));
        }
        return HttpApiResponses.NOT_FOUND;
    }

    private static int parseLimit(String s) {
        try {
            return s == null ? 500 : Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 500;
        }
    }

    private String write(Object json) {
        try {
            return mapper.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, HttpResponseData response) {
        try (exchange) {
            Headers headers = exchange.getResponseHeaders();
            for (Map.Entry<String, String> h : response.headers()) {
                headers.add(h.getKey(), h.getValue());
            }
            boolean noBody = response.body().length == 0 || exchange.getRequestMethod().equals("HEAD")
                    || response.status() == 204 || response.status() == 304;
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            // the client closed the connection; nothing to answer
        }
    }

    private static Map<String, List<String>> lowerCase(Headers headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((name, values) ->
                out.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        return out;
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    /** API Gateway request ids look like "Fv3Xqh1JoAMEa1Q=". */
    private static String apiRequestId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
