package dev.circuitlab.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A downstream stand-in on loopback: {@code GET /downstream} answers the configured status, body
 * and delay, and counts its invocations. Close it to stop the server and its handler threads.
 */
final class FakeDownstream implements AutoCloseable {

    static final String PAYLOAD = "{\"item\":{\"id\":\"sku-1\",\"name\":\"fuse\"},\"servedAt\":1}";

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicReference<Map<String, String>> lastHeaders = new AtomicReference<>(Map.of());
    private volatile int status = 200;
    private volatile String body = PAYLOAD;
    private volatile long delayMillis;

    private FakeDownstream(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static FakeDownstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Several threads: a delayed answer must not hold up the next request.
        ExecutorService executor = Executors.newFixedThreadPool(4);
        FakeDownstream fake = new FakeDownstream(server, executor);
        server.createContext("/", fake::handle);
        server.setExecutor(executor);
        server.start();
        return fake;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeDownstream answer(int status) {
        this.status = status;
        return this;
    }

    FakeDownstream answer(int status, String body) {
        this.status = status;
        this.body = body;
        return this;
    }

    FakeDownstream delay(Duration delay) {
        this.delayMillis = delay.toMillis();
        return this;
    }

    int invocations() {
        return invocations.get();
    }

    /** Headers of the last request, lower-case names. */
    Map<String, String> lastHeaders() {
        return lastHeaders.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"/downstream".equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            invocations.incrementAndGet();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            lastHeaders.set(headers);
            long delay = delayMillis;
            if (delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // The upstream gave up (timeout) and closed the connection: expected in timeout tests.
        }
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
