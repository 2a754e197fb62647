package dev.circuitlab.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.function.FunctionCredentials;
import dev.circuitlab.function.FunctionEnvironment;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The upstream's SigV4 signature for execute-api: its shape; the local runtime's tests verify it end to end. */
class SigV4RequestSignerTest {

    private static final URI URL = URI.create("http://127.0.0.1:3000/downstream");
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=(\\w+)/(\\d{8})/([\\w-]+)/execute-api/aws4_request,"
                    + " ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");

    @Test
    void signsForExecuteApiInTheFunctionsRegionCoveringHostDateAndTheForwardedHeaders() {
        SigV4RequestSigner signer = new SigV4RequestSigner(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), "eu-west-1");

        Map<String, String> headers = signer.sign("GET", URL, Map.of("Accept", "application/json", "X-Fault-Mode", "error"));

        Matcher m = AUTHORIZATION.matcher(headers.get("Authorization"));
        assertTrue(m.matches(), headers.get("Authorization"));
        assertEquals("AKIDEXAMPLE", m.group(1));
        assertEquals("eu-west-1", m.group(3));
        assertEquals("accept;host;x-amz-content-sha256;x-amz-date;x-fault-mode", m.group(4));
        assertTrue(headers.get("X-Amz-Date").startsWith(m.group(2)), headers.toString());
        assertFalse(headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("host")),
                "the JDK client sets Host itself: " + headers.keySet());
        assertFalse(headers.containsKey("X-Fault-Mode"), "only the signing headers are added");
    }

    @Test
    void temporaryCredentialsAddTheSecurityToken() {
        SigV4RequestSigner signer = new SigV4RequestSigner(
                StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "token-1")),
                "us-east-1");

        Map<String, String> headers = signer.sign("GET", URL, Map.of());

        assertEquals("token-1", headers.get("X-Amz-Security-Token"));
        Matcher m = AUTHORIZATION.matcher(headers.get("Authorization"));
        assertTrue(m.matches(), headers.get("Authorization"));
        assertTrue(m.group(4).contains("x-amz-security-token"), m.group(4));
    }

    @Test
    void aLocalRunWithoutCredentialsSignsWithTheLocalPairNeverTheDefaultChain() {
        Map<String, String> env = new HashMap<>(environment("us-east-1"));
        env.put(FunctionEnvironment.DYNAMODB_ENDPOINT, "http://127.0.0.1:1");

        Map<String, String> headers = SigV4RequestSigner.forFunction(UpstreamConfig.fromEnvironment(env), env)
                .sign("GET", URL, Map.of());

        assertTrue(headers.get("Authorization").contains("Credential=local/"), headers.get("Authorization"));
    }

    @Test
    void inAwsTheRolesCredentialsComeFromTheSdksDefaultChainResolvedPerCall() {
        Map<String, String> env = environment("us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "AKIDFROMINIT");
        env.put("AWS_SECRET_ACCESS_KEY", "secret");

        assertInstanceOf(DefaultCredentialsProvider.class,
                FunctionCredentials.provider(UpstreamConfig.fromEnvironment(env).dynamoDbEndpoint(), env),
                "SnapStart: nothing read from the environment at init");
    }

    @Test
    void withoutARegionTheFunctionFailsItsInit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SigV4RequestSigner.forFunction(UpstreamConfig.fromEnvironment(environment(null)), Map.of()));
        assertTrue(e.getMessage().contains("AWS_REGION"), e.getMessage());
    }

    private static Map<String, String> environment(String region) {
        Map<String, String> env = new HashMap<>(Map.of(
                UpstreamConfig.CIRCUIT_TABLE_NAME, "CircuitState",
                UpstreamConfig.DOWNSTREAM_URL, "http://127.0.0.1:3000",
                CircuitBreakerConfig.ENV_FAILURE_THRESHOLD, "3"));
        if (region != null) {
            env.put(FunctionEnvironment.AWS_REGION, region);
        }
        return env;
    }
}
