package dev.circuitlab.testing;

import java.util.Map;
import java.util.Objects;

/**
 * The credentials a local run accepts on IAM routes and gives its functions (as Lambda gives a
 * function its role's credentials): {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}
 * (and {@code AWS_SESSION_TOKEN}) when both are set, else key {@code local}, secret {@code local};
 * the region from {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else {@code us-east-1}.
 *
 * @param accessKeyId     the access key a signature must name
 * @param secretAccessKey the secret it must be computed with
 * @param sessionToken    a session token the request must carry, or null
 * @param region          the region a signature must be scoped to
 */
public record LocalCredentials(String accessKeyId, String secretAccessKey, String sessionToken, String region) {

    public static final String DEFAULT_KEY = "local";
    public static final String DEFAULT_SECRET = "local";
    public static final String DEFAULT_REGION = "us-east-1";
    /** The signing name of API Gateway's data plane. */
    public static final String EXECUTE_API = "execute-api";

    /** {@code local} / {@code local} in {@code us-east-1}: what a run without AWS_* variables uses. */
    public static final LocalCredentials DEFAULT = new LocalCredentials(DEFAULT_KEY, DEFAULT_SECRET, null, DEFAULT_REGION);

    public LocalCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(region, "region");
        if (sessionToken != null && sessionToken.isBlank()) {
            sessionToken = null;
        }
    }

    /** From the usual AWS_* variables (see the class comment). */
    public static LocalCredentials fromEnvironment(Map<String, String> env) {
        String key = nonBlank(env.get("AWS_ACCESS_KEY_ID"));
        String secret = nonBlank(env.get("AWS_SECRET_ACCESS_KEY"));
        String region = nonBlank(env.get("AWS_REGION"));
        if (region == null) {
            region = nonBlank(env.get("AWS_DEFAULT_REGION"));
        }
        if (region == null) {
            region = DEFAULT_REGION;
        }
        if (key == null || secret == null) {
            return new LocalCredentials(DEFAULT_KEY, DEFAULT_SECRET, null, region);
        }
        return new LocalCredentials(key, secret, env.get("AWS_SESSION_TOKEN"), region);
    }

    /** True for the well-known {@code local} / {@code local} pair, which may be printed. */
    public boolean isDefaultPair() {
        return DEFAULT_KEY.equals(accessKeyId) && DEFAULT_SECRET.equals(secretAccessKey) && sessionToken == null;
    }

    /** The same credentials with another secret: a caller who signs wrongly. */
    public LocalCredentials withSecret(String secret) {
        return new LocalCredentials(accessKeyId, secret, sessionToken, region);
    }

    /** curl's {@code --aws-sigv4} provider string for these credentials' region. */
    public String curlSigV4Provider() {
        return "aws:amz:" + region + ":" + EXECUTE_API;
    }

    @Override
    public String toString() {
        // Never the secret or the token: these may be real credentials.
        return "LocalCredentials[accessKeyId=" + accessKeyId + ", region=" + region
                + (sessionToken == null ? "" : ", with session token") + "]";
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
