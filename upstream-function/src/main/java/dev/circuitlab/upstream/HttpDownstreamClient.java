package dev.circuitlab.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@link DownstreamClient} over the JDK's {@link HttpClient}, built once per function instance. The
 * function's client signs every call with SigV4 (the downstream's routes need IAM).
 *
 * <p>The function's {@link HttpClient} is built on first use, by whichever comes first: the start-up
 * warm-up ({@link #prime}) or the first call. Building it takes a cold start tens of milliseconds the
 * constructor need not wait for.
 */
public final class HttpDownstreamClient implements DownstreamClient {

    /** The warm-up's one-shot loopback server gives up after this (nothing ever waits for it). */
    private static final int PRIMING_TIMEOUT_MS = 1000;
    private static final byte[] PRIMING_ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII);

    private final Supplier<HttpClient> newHttp;
    private volatile HttpClient http;
    private final URI callUrl;
    private final SigV4RequestSigner signer;

    /** Unsigned calls: for a downstream without IAM authorization (tests' stand-ins). */
    public HttpDownstreamClient(HttpClient http, URI callUrl) {
        this(() -> http, callUrl, null);
        Objects.requireNonNull(http, "http");
    }

    /**
     * @param newHttp builds the client, once, on first use
     * @param signer  signs each call; null sends it unsigned
     */
    HttpDownstreamClient(Supplier<HttpClient> newHttp, URI callUrl, SigV4RequestSigner signer) {
        this.newHttp = Objects.requireNonNull(newHttp, "newHttp");
        this.callUrl = Objects.requireNonNull(callUrl, "callUrl");
        this.signer = signer;
    }

    /**
     * The function's client: calls signed with the function's credentials for its region.
     */
    static HttpDownstreamClient forFunction(UpstreamConfig config, Map<String, String> environment) {
        Duration callTimeout = config.breaker().callTimeout();
        return new HttpDownstreamClient(() -> newHttpClient(callTimeout), config.downstreamCallUrl(),
                SigV4RequestSigner.forFunction(config, environment));
    }

    /**
     * The client the function uses: HTTP/1.1 (predictable against API Gateway and plain-HTTP local
     * servers, no h2c upgrade), no redirects (a redirect is an answer to relay, not to follow), and
     * a connect timeout equal to the call timeout so a black-holed host fails as a timeout.
     */
    public static HttpClient newHttpClient(Duration callTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(callTimeout)
                .build();
    }

    private HttpClient http() {
        HttpClient h = http;
        if (h == null) {
            synchronized (this) {
                h = http;
                if (h == null) {
                    h = Objects.requireNonNull(newHttp.get(), "the HTTP client");
                    http = h;
                }
            }
        }
        return h;
    }

    @Override
    public DownstreamResponse fetch(Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        return await(send(callUrl, headers, timeout, false), callUrl, timeout);
    }

    /**
     * One whole call, signed with throw-away credentials, to a one-shot server of its own on the
     * loopback interface, which answers {@code 200 {}} and closes: the call's classes (the HTTP
     * client's exchange, the signer, the response handling) are loaded and initialized, and neither
     * the downstream nor the function's credentials are touched. Never throws.
     */
    @Override
    public void prime() {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(PRIMING_TIMEOUT_MS);
            URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + callUrl.getRawPath());
            Duration timeout = Duration.ofMillis(PRIMING_TIMEOUT_MS);
            CompletableFuture<HttpResponse<byte[]>> reply = send(url, Map.of("X-Fault-Mode", "none"), timeout, true);
            try (Socket connection = server.accept()) {
                connection.setSoTimeout(PRIMING_TIMEOUT_MS);
                skipRequestHead(connection.getInputStream());
                connection.getOutputStream().write(PRIMING_ANSWER);
            }
            await(reply, url, timeout);
        } catch (IOException | RuntimeException e) {
            // Priming is an optimization: the first real call pays for whatever did not load.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds the HTTP client and runs the signer with throw-away credentials; sends nothing. */
    @Override
    public void warmUp() {
        http();
        if (signer != null) {
            signer.signForPriming("GET", callUrl, Map.of("Accept", "application/json"));
        }
    }

    /** Reads up to the blank line that ends the request head (at most 16 KB). */
    private static void skipRequestHead(InputStream in) throws IOException {
        int matched = 0;
        for (int i = 0; i < 16 * 1024 && matched < 4; i++) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    /**
     * @param primingIdentity sign with throw-away credentials (priming) rather than the function's
     */
    private CompletableFuture<HttpResponse<byte[]>> send(URI url, Map<String, String> headers, Duration timeout,
                                                         boolean primingIdentity) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Accept", "application/json");
        all.putAll(headers);
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .GET()
                .timeout(timeout);
        all.forEach(b::header);
        if (signer != null) {
            (primingIdentity ? signer.signForPriming("GET", url, all) : signer.sign("GET", url, all)).forEach(b::header);
        }
        return http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * The request timeout only covers the wait for the response headers; the deadline on the future
     * also covers a body that trickles in. Cancelling it aborts the exchange.
     */
    private static DownstreamResponse await(CompletableFuture<HttpResponse<byte[]>> future, URI url, Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no complete response from " + url + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("call to " + url + " failed: " + cause, cause);
        }
        return new DownstreamResponse(response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                new String(response.body(), StandardCharsets.UTF_8));
    }
}
