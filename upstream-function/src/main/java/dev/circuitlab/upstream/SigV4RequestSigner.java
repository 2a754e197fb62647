package dev.circuitlab.upstream;

import dev.circuitlab.function.FunctionCredentials;
import dev.circuitlab.function.FunctionEnvironment;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs the upstream's calls to the downstream's IAM routes with SigV4 for {@code execute-api},
 * using the AWS SDK's own signer and the function role's credentials. Credentials are resolved on
 * each call (the SDK's provider caches and refreshes them), never at init, so a SnapStart snapshot
 * holds none.
 */
final class SigV4RequestSigner {

    static final String EXECUTE_API = "execute-api";
    /** The JDK HttpClient sets Host from the URI itself and refuses it as a header. */
    private static final String HOST = "host";

    private final AwsCredentialsProvider credentials;
    private final String region;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    SigV4RequestSigner(AwsCredentialsProvider credentials, String region) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
    }

    /** The function's signer: its credentials ({@link FunctionCredentials}) for its region. */
    static SigV4RequestSigner forFunction(UpstreamConfig config, Map<String, String> env) {
        if (config.region() == null) {
            throw new IllegalArgumentException(FunctionEnvironment.AWS_REGION + " is required: the region the calls"
                    + " to the downstream are signed for");
        }
        return new SigV4RequestSigner(FunctionCredentials.provider(config.dynamoDbEndpoint(), env), config.region());
    }

    /**
     * The headers that sign a body-less request with {@code headers}: Authorization, X-Amz-Date and,
     * for temporary credentials, X-Amz-Security-Token. Host is signed as the URI's authority, which
     * is what the JDK client sends.
     */
    Map<String, String> sign(String method, URI uri, Map<String, String> headers) {
        return sign(method, uri, headers, credentials.resolveCredentials());
    }

    /**
     * The same signature with throw-away credentials: runs the signing code without resolving the
     * function's credentials (a SnapStart snapshot must not hold them) for a request that only primes.
     */
    Map<String, String> signForPriming(String method, URI uri, Map<String, String> headers) {
        return sign(method, uri, headers, AwsCredentialsIdentity.create("priming", "priming"));
    }

    private Map<String, String> sign(String method, URI uri, Map<String, String> headers,
                                     AwsCredentialsIdentity identity) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        SignedRequest signed = signer.sign(r -> r
                .identity(identity)
                .request(request.build())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, EXECUTE_API)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        Map<String, String> added = new LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> {
            if (!name.toLowerCase(Locale.ROOT).equals(HOST) && !headers.containsKey(name)) {
                added.put(name, String.join(",", values));
            }
        });
        return added;
    }
}
