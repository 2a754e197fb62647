package dev.circuitlab.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.testing.LocalCredentials;
import dev.circuitlab.testing.SigV4Requests;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local SigV4 check against requests signed by the AWS SDK's own signer (what the upstream
 * function and the lab's tools use): valid ones pass, and every kind of wrong one gets its 403.
 */
class SigV4VerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final LocalCredentials LOCAL = LocalCredentials.DEFAULT;
    private static final String BASE = "http://127.0.0.1:3000";

    private final SigV4Verifier verifier = new SigV4Verifier(LOCAL, Clock.fixed(NOW, ZoneOffset.UTC));

    /** What the local server receives for a signed JDK request: its headers plus Host, and the body. */
    private static HttpRequestData received(HttpRequest request, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of(request.uri().getRawAuthority()));
        request.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
        return new HttpRequestData(request.method(), request.uri().getRawPath(),
                request.uri().getRawQuery() == null ? "" : request.uri().getRawQuery(), headers, body, "127.0.0.1", 3000);
    }

    private static HttpRequestData signed(LocalCredentials credentials, Instant at, String method, String pathAndQuery,
                                          Map<String, String> headers, String body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = new SigV4Requests(credentials, Clock.fixed(at, ZoneOffset.UTC))
                .builder(method, URI.create(BASE + pathAndQuery), headers, body == null ? null : bytes).build();
        return received(request, bytes);
    }

    private static HttpRequestData signed(String method, String pathAndQuery, Map<String, String> headers, String body) {
        return signed(LOCAL, NOW, method, pathAndQuery, headers, body);
    }

    private void assertAllowed(HttpRequestData request) {
        SigV4Verifier.Verdict verdict = verifier.verify(request);
        SigV4Verifier.Allowed allowed = assertInstanceOf(SigV4Verifier.Allowed.class, verdict, verdict.toString());
        assertEquals(LOCAL.accessKeyId(), allowed.caller().accessKey());
    }

    private void assertDenied(HttpRequestData request, String messagePart) {
        SigV4Verifier.Verdict verdict = verifier.verify(request);
        SigV4Verifier.Denied denied = assertInstanceOf(SigV4Verifier.Denied.class, verdict, verdict.toString());
        assertTrue(denied.message().contains(messagePart), denied.message());
    }

    @Test
    void requestsSignedByTheSdkPass() {
        assertAllowed(signed("GET", "/faults", Map.of(), null));
        assertAllowed(signed("POST", "/circuits/downstream/reset", Map.of(), null));
        assertAllowed(signed("PUT", "/faults", Map.of("Content-Type", "application/json"),
                "{\"mode\":\"error\",\"probability\":1}"));
        assertAllowed(signed("GET", "/upstream/with-faults", Map.of("X-Fault-Mode", "error", "X-Fault-Status-Code", "503"),
                null));
    }

    @Test
    void encodedPathsQueriesAndUntidyHeaderValuesPass() {
        assertAllowed(signed("GET", "/items/a%20b", Map.of(), null));
        assertAllowed(signed("GET", "/items/%C3%A9t%C3%A9", Map.of(), null));
        assertAllowed(signed("GET", "/echo?z=2&a=1&a=0&sp=a%20b&plus=a%2Bb&empty", Map.of(), null));
        assertAllowed(signed("GET", "/echo", Map.of("X-Spaced", "  two   words  "), null));
    }

    @Test
    void anythingChangedAfterSigningFails() {
        HttpRequestData original = signed("PUT", "/faults?x=1", Map.of("Content-Type", "application/json",
                "X-Fault-Mode", "error"), "{\"mode\":\"error\"}");
        assertAllowed(original);

        assertDenied(withBody(original, "{\"mode\":\"timeout\"}"), SigV4Verifier.SIGNATURE_MISMATCH);
        assertDenied(new HttpRequestData(original.method(), "/faults2", original.rawQuery(), original.headers(),
                original.body(), "127.0.0.1", 3000), SigV4Verifier.SIGNATURE_MISMATCH);
        assertDenied(new HttpRequestData("DELETE", original.rawPath(), original.rawQuery(), original.headers(),
                original.body(), "127.0.0.1", 3000), SigV4Verifier.SIGNATURE_MISMATCH);
        assertDenied(new HttpRequestData(original.method(), original.rawPath(), "x=2", original.headers(),
                original.body(), "127.0.0.1", 3000), SigV4Verifier.SIGNATURE_MISMATCH);
        assertDenied(withHeader(original, "x-fault-mode", "timeout"), SigV4Verifier.SIGNATURE_MISMATCH);
        assertDenied(withHeader(original, "host", "evil.example:3000"), SigV4Verifier.SIGNATURE_MISMATCH);
    }

    @Test
    void theWrongSecretOrKeyOrScopeIsRefused() {
        assertDenied(signed(LOCAL.withSecret("guess"), NOW, "GET", "/faults", Map.of(), null),
                SigV4Verifier.SIGNATURE_MISMATCH);
        assertDenied(signed(new LocalCredentials("AKIAOTHER", "local", null, "us-east-1"), NOW, "GET", "/faults",
                Map.of(), null), SigV4Verifier.INVALID_TOKEN);
        assertDenied(signed(new LocalCredentials("local", "local", null, "eu-west-1"), NOW, "GET", "/faults",
                Map.of(), null), "scoped to a valid region");
    }

    @Test
    void unsignedOrMalformedAuthorizationIsRefused() {
        HttpRequestData valid = signed("GET", "/faults", Map.of(), null);
        assertDenied(withHeader(valid, "authorization", null), SigV4Verifier.FORBIDDEN);
        assertDenied(withHeader(valid, "authorization", "Bearer abc"), "Authorization header requires");
        assertDenied(withHeader(valid, "authorization", "AWS4-HMAC-SHA256 Credential=local/x"), "requires 'Credential'");
        String auth = valid.headers().get("authorization").get(0);
        assertDenied(withHeader(valid, "authorization", auth.replace("/execute-api/", "/s3/")), "correct service");
        assertDenied(withHeader(valid, "authorization", auth.replace("aws4_request", "aws5_request")), "terminator");
        assertDenied(withHeader(valid, "authorization", auth.replace("Signature=", "Signature=0")),
                SigV4Verifier.SIGNATURE_MISMATCH);
        assertDenied(withHeader(valid, "authorization", auth.replaceAll("SignedHeaders=[^,]*", "SignedHeaders=x-amz-date")),
                "'Host' must be a 'SignedHeader'");
        assertDenied(withHeader(valid, "x-amz-date", null), "X-Amz-Date");
        assertDenied(withHeader(valid, "x-amz-date", "yesterday"), "ISO-8601");
        assertDenied(withHeader(valid, "authorization", "AWS4-HMAC-SHA256 " + "x".repeat(5000)),
                "Authorization header requires");
    }

    @ParameterizedTest
    @ValueSource(ints = {-6, 6, -60 * 24})
    void aSignatureMoreThanFiveMinutesOffIsRefused(int minutes) {
        HttpRequestData request = signed(LOCAL, NOW.plus(Duration.ofMinutes(minutes)), "GET", "/faults", Map.of(), null);
        assertDenied(request, minutes < 0 ? "Signature expired" : "Signature not yet current");
    }

    @Test
    void aSignatureWithinFiveMinutesPasses() {
        assertAllowed(signed(LOCAL, NOW.minus(Duration.ofMinutes(4)), "GET", "/faults", Map.of(), null));
        assertAllowed(signed(LOCAL, NOW.plus(Duration.ofMinutes(4)), "GET", "/faults", Map.of(), null));
    }

    @Test
    void temporaryCredentialsMustSendTheirSessionToken() {
        LocalCredentials session = new LocalCredentials("ASIALOCAL", "secret", "token-1", "us-east-1");
        SigV4Verifier sessionVerifier = new SigV4Verifier(session, Clock.fixed(NOW, ZoneOffset.UTC));
        HttpRequestData request = signed(session, NOW, "GET", "/faults", Map.of(), null);

        assertInstanceOf(SigV4Verifier.Allowed.class, sessionVerifier.verify(request));
        assertInstanceOf(SigV4Verifier.Denied.class, sessionVerifier.verify(withHeader(request, "x-amz-security-token", null)));
        assertInstanceOf(SigV4Verifier.Denied.class, sessionVerifier.verify(signed(
                new LocalCredentials("ASIALOCAL", "secret", "token-2", "us-east-1"), NOW, "GET", "/faults", Map.of(), null)));
    }

    @Test
    void canonicalQueryAndPathForms() {
        assertEquals("a=0&a=1&b=a%20b&c=", SigV4Verifier.canonicalQuery("b=a%20b&a=1&c&a=0"));
        assertEquals("x=%2A~", SigV4Verifier.canonicalQuery("x=*~"));
        assertEquals(List.of("/a%20b", "/a%2520b"), List.copyOf(SigV4Verifier.canonicalUris("/a%20b")),
                "as sent (curl), and encoded once more (the SDKs)");
        assertEquals(List.of("/"), List.copyOf(SigV4Verifier.canonicalUris("")));
    }

    private static HttpRequestData withBody(HttpRequestData r, String body) {
        return new HttpRequestData(r.method(), r.rawPath(), r.rawQuery(), r.headers(),
                body.getBytes(StandardCharsets.UTF_8), r.sourceIp(), r.localPort());
    }

    /** The request with one header replaced, or removed when {@code value} is null. */
    private static HttpRequestData withHeader(HttpRequestData r, String name, String value) {
        Map<String, List<String>> headers = new LinkedHashMap<>(r.headers());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, List.of(value));
        }
        return new HttpRequestData(r.method(), r.rawPath(), r.rawQuery(), headers, r.body(), r.sourceIp(), r.localPort());
    }
}
