package dev.circuitlab.upstream;

import java.io.IOException;
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

/**
 * {@link DownstreamClient} over the JDK's {@link HttpClient}, built once per function instance. The
 * function's client signs every call with SigV4 (the downstream's routes need IAM).
 */
public final class HttpDownstreamClient implements DownstreamClient {

    private final HttpClient http;
    private final URI callUrl;
    private final SigV4RequestSigner signer;

    /** Unsigned calls: for a downstream without IAM authorization (tests' stand-ins). */
    public HttpDownstreamClient(HttpClient http, URI callUrl) {
        this(http, callUrl, null);
    }

    /** @param signer signs each call; null sends it unsigned */
    HttpDownstreamClient(HttpClient http, URI callUrl, SigV4RequestSigner signer) {
        this.http = Objects.requireNonNull(http, "http");
        this.callUrl = Objects.requireNonNull(callUrl, "callUrl");
        this.signer = signer;
    }

    /**
     * The function's client: calls signed with the function's credentials for its region.
     */
    static HttpDownstreamClient forFunction(UpstreamConfig config, Map<String, String> environment) {
        return new HttpDownstreamClient(newHttpClient(config.breaker().callTimeout()), config.downstreamCallUrl(),
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

    @Override
    public DownstreamResponse fetch(Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest request = request(headers, timeout);
        // The request timeout only covers the wait for the response headers; the deadline on the
        // future also covers a body that trickles in. Cancelling it aborts the exchange.
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no complete response from " + callUrl + " within " + timeout.toMillis() + " ms");
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
            throw new IOException("call to " + callUrl + " failed: " + cause, cause);
        }
        return new DownstreamResponse(response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                new String(response.body(), StandardCharsets.UTF_8));
    }

    @Override
    public void prime() {
        request(Map.of("X-Fault-Mode", "none"), Duration.ofSeconds(1), false);
        if (signer != null) {
            signer.prime(callUrl);
        }
    }

    private HttpRequest request(Map<String, String> headers, Duration timeout) {
        return request(headers, timeout, signer != null);
    }

    private HttpRequest request(Map<String, String> headers, Duration timeout, boolean signed) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Accept", "application/json");
        all.putAll(headers);
        HttpRequest.Builder b = HttpRequest.newBuilder(callUrl)
                .GET()
                .timeout(timeout);
        all.forEach(b::header);
        if (signed) {
            signer.sign("GET", callUrl, all).forEach(b::header);
        }
        return b.build();
    }
}
