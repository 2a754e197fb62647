package dev.circuitlab.upstream;

import dev.circuitlab.testing.TestLambdaContext;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Lambda handler behind a loopback HTTP server, the way API Gateway's HTTP API fronts it: each
 * request becomes a payload-2.0 event, the handler's response goes back on the wire. A request
 * with an {@code Authorization} header is passed on as IAM-authorized (the signature is not
 * checked here; the local runtime's tests check that). Counts invocations per path. Close it to
 * stop the server.
 */
final class LambdaHttpAdapter implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

    private LambdaHttpAdapter(HttpServer server, ExecutorService executor,
                              RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
    }

    static LambdaHttpAdapter serve(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        LambdaHttpAdapter adapter = new LambdaHttpAdapter(server, executor, handler);
        server.createContext("/", adapter::exchange);
        server.setExecutor(executor);
        server.start();
        return adapter;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int invocations(String path) {
        AtomicInteger n = invocations.get(path);
        return n == null ? 0 : n.get();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            invocations.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            APIGatewayV2HTTPResponse response = handler.handleRequest(toEvent(exchange, path),
                    new TestLambdaContext(UUID.randomUUID().toString()));
            byte[] body = response.getBody() == null ? new byte[0]
                    : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                    : response.getBody().getBytes(StandardCharsets.UTF_8);
            if (response.getHeaders() != null) {
                response.getHeaders().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            }
            exchange.sendResponseHeaders(response.getStatusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, String path) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            body = bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
        }
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String query = exchange.getRequestURI().getRawQuery();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(path)
                .withRawQueryString(query == null ? "" : query)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withStage("$default")
                        .withRequestId(UUID.randomUUID().toString())
                        .withTimeEpoch(System.currentTimeMillis())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).withProtocol("HTTP/1.1")
                                .withSourceIp("127.0.0.1").build())
                        .build())
                .build();
        return headers.containsKey("authorization") ? HttpApiEvents.iamAuthorized(event) : event;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
