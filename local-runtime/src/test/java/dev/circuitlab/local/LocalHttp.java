package dev.circuitlab.local;

import dev.circuitlab.testing.LocalCredentials;
import dev.circuitlab.testing.SigV4Requests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP calls to the local server as a user's curl would make them: plain, or (built with
 * credentials) signed like {@code curl --aws-sigv4}, for IAM routes.
 */
public final class LocalHttp {

    private final String baseUrl;
    private final SigV4Requests signer;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Unsigned requests. */
    public LocalHttp(String baseUrl) {
        this.baseUrl = baseUrl;
        this.signer = null;
    }

    /** Every request signed with {@code credentials}. */
    public LocalHttp(String baseUrl, LocalCredentials credentials) {
        this.baseUrl = baseUrl;
        this.signer = new SigV4Requests(credentials);
    }

    /** Signed with the credentials the runtime checks. */
    public static LocalHttp signed(LocalRuntime runtime) {
        return new LocalHttp(runtime.baseUrl(), runtime.credentials());
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null);
    }

    public HttpResponse<String> send(String method, String path, String body) {
        return send(request(method, path, body));
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public CompletableFuture<HttpResponse<String>> sendAsync(String method, String path) {
        return client.sendAsync(request(method, path, null), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with a body (sent as JSON when signed) and these extra headers, signed when this client signs. */
    public HttpRequest request(String method, String path, String body, Map<String, String> headers) {
        URI uri = URI.create(baseUrl + path);
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b;
        if (signer != null) {
            b = signer.builder(method, uri, headers, bytes);
        } else {
            b = HttpRequest.newBuilder(uri).method(method, bytes == null
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
            headers.forEach(b::header);
        }
        return b.timeout(Duration.ofSeconds(30)).build();
    }

    public HttpRequest request(String method, String path, String body) {
        return request(method, path, body, Map.of());
    }

    public HttpClient client() {
        return client;
    }
}
