package dev.circuitlab.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * JDK {@link HttpRequest}s signed with SigV4 for API Gateway ({@code execute-api}) by the AWS SDK's
 * own signer, as {@code curl --aws-sigv4 "aws:amz:<region>:execute-api" --user key:secret} signs
 * them: how tests and the lab's tools call IAM routes of the local runtime (and of a deployed stack).
 */
public final class SigV4Requests {

    /** Headers the JDK client sets itself; signing them would make the request fail to build. */
    private static final List<String> RESTRICTED = List.of("host", "content-length", "connection", "expect", "upgrade");

    private final LocalCredentials credentials;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public SigV4Requests(LocalCredentials credentials) {
        this(credentials, Clock.systemUTC());
    }

    /** @param clock the signing time (a test signs "too early" or "too late" with it) */
    public SigV4Requests(LocalCredentials credentials, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public LocalCredentials credentials() {
        return credentials;
    }

    /**
     * A request builder with {@code headers} and {@code body} set and signed (Authorization,
     * X-Amz-Date, and X-Amz-Security-Token for session credentials). Headers added to the builder
     * afterwards are sent unsigned.
     *
     * @param body the body, or null for none
     */
    public HttpRequest.Builder builder(String method, URI uri, Map<String, String> headers, byte[] body) {
        byte[] payload = body == null ? new byte[0] : body;
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(unsigned::putHeader);
        SignedRequest signed = signer.sign(r -> r
                .identity(identity())
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, LocalCredentials.EXECUTE_API)
                .putProperty(AwsV4HttpSigner.REGION_NAME, credentials.region())
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload));
        signed.request().forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return b;
    }

    /** A JSON request: {@code Content-Type: application/json} signed with it; a null body sends none. */
    public HttpRequest.Builder json(String method, URI uri, String body) {
        return body == null ? builder(method, uri, Map.of(), null)
                : builder(method, uri, Map.of("Content-Type", "application/json"),
                        body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private AwsCredentialsIdentity identity() {
        return credentials.sessionToken() == null
                ? AwsCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey(),
                        credentials.sessionToken());
    }
}
