package dev.circuitlab.function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.circuitlab.testing.TestLambdaContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiRequestTest {

    private static APIGatewayV2HTTPEvent event(String method, String rawPath, String stage, String requestId) {
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath(rawPath)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withStage(stage)
                        .withRequestId(requestId)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).build())
                        .build())
                .build();
    }

    private static APIGatewayV2HTTPEvent withBody(String body, boolean base64) {
        APIGatewayV2HTTPEvent e = event("PUT", "/faults", "$default", "gw-1");
        e.setBody(body);
        e.setIsBase64Encoded(base64);
        return e;
    }

    @Test
    void methodIsUpperCasedAndANamedStageLeavesThePath() {
        HttpApiRequest r = HttpApiRequest.from(event(" get ", "/prod/circuits/x/", "prod", "gw-1"), null);

        assertTrue(r.isHttpApiEvent());
        assertEquals("GET", r.method());
        assertEquals("/circuits/x/", r.path(), "the stage goes, a trailing slash stays (routing decides)");
        assertEquals("/prod", HttpApiRequest.from(event("GET", "/prod", "prod", null), null).path());
        assertEquals("/prod/x", HttpApiRequest.from(event("GET", "/prod/x", "$default", null), null).path());
    }

    @Test
    void thePathFallsBackToRequestContextHttpPath() {
        APIGatewayV2HTTPEvent e = event("GET", null, "$default", null);
        e.getRequestContext().getHttp().setPath("/health");

        assertEquals("/health", HttpApiRequest.from(e, null).path());
    }

    @Test
    void eventsWithoutMethodOrPathAreNotHttpApiEvents() {
        assertFalse(HttpApiRequest.from(null, null).isHttpApiEvent());
        assertFalse(HttpApiRequest.from(new APIGatewayV2HTTPEvent(), null).isHttpApiEvent());
        assertFalse(HttpApiRequest.from(event("  ", "/x", null, null), null).isHttpApiEvent());
        assertFalse(HttpApiRequest.from(event("GET", " ", null, null), null).isHttpApiEvent());
        assertEquals(0, HttpApiRequest.from(null, null).bodyBytes());
    }

    @Test
    void headersAreLookedUpIgnoringCaseAndNullsAreDropped() {
        APIGatewayV2HTTPEvent e = event("GET", "/x", null, null);
        Map<String, String> headers = new HashMap<>();
        headers.put("x-fault-mode", "error");
        headers.put("X-Other", null);
        e.setHeaders(headers);

        HttpApiRequest r = HttpApiRequest.from(e, null);

        assertEquals("error", r.header("X-Fault-Mode"));
        assertEquals(Map.of("x-fault-mode", "error"), Map.copyOf(r.headers()));
        assertNull(r.header("X-Other"));
    }

    @Test
    void theTwoRequestIdsPreferTheirOwnSourceAndFallBackToTheOther() {
        HttpApiRequest both = HttpApiRequest.from(event("GET", "/x", null, "gw-1"), new TestLambdaContext("lambda-1"));
        assertEquals("lambda-1", both.requestId());
        assertEquals("gw-1", both.gatewayRequestId());

        HttpApiRequest gatewayOnly = HttpApiRequest.from(event("GET", "/x", null, "gw-1"), null);
        assertEquals("gw-1", gatewayOnly.requestId());
        assertEquals("gw-1", gatewayOnly.gatewayRequestId());

        HttpApiRequest lambdaOnly = HttpApiRequest.from(event("GET", "/x", null, null), new TestLambdaContext("lambda-1"));
        assertEquals("lambda-1", lambdaOnly.gatewayRequestId());

        HttpApiRequest neither = HttpApiRequest.from(event("GET", "/x", null, null), null);
        assertEquals("-", neither.requestId());
        assertNull(neither.gatewayRequestId());
    }

    @Test
    void bodiesAreMeasuredInUtf8BytesAndBase64BodiesDecoded() {
        assertEquals(3, HttpApiRequest.from(withBody("€", false), null).bodyBytes());
        assertArrayEquals("€".getBytes(StandardCharsets.UTF_8), HttpApiRequest.from(withBody("€", false), null).body());

        byte[] bytes = {1, 2, 3, 4, 5};
        HttpApiRequest encoded = HttpApiRequest.from(withBody(Base64.getEncoder().encodeToString(bytes), true), null);
        assertEquals(5, encoded.bodyBytes());
        assertArrayEquals(bytes, encoded.body());

        assertArrayEquals(new byte[0], HttpApiRequest.from(withBody(null, false), null).body());
    }

    @Test
    void aBodyOfExactlyTheLimitIsAcceptedAndOneByteMoreIs413() {
        String atLimit = "x".repeat(HttpApiRequest.MAX_BODY_BYTES);
        assertEquals(HttpApiRequest.MAX_BODY_BYTES, HttpApiRequest.from(withBody(atLimit, false), null).body().length);
        byte[] atLimitBytes = atLimit.getBytes(StandardCharsets.UTF_8);
        assertEquals(HttpApiRequest.MAX_BODY_BYTES, HttpApiRequest.from(
                withBody(Base64.getEncoder().encodeToString(atLimitBytes), true), null).body().length);

        BadRequestException plain = assertThrows(BadRequestException.class,
                () -> HttpApiRequest.from(withBody(atLimit + "x", false), null).body());
        assertEquals(413, plain.status());
        assertTrue(plain.getMessage().contains("65536"), plain.getMessage());

        BadRequestException multiByte = assertThrows(BadRequestException.class,
                () -> HttpApiRequest.from(withBody("€".repeat(30_000), false), null).body());
        assertEquals(413, multiByte.status(), "the limit is on bytes, not chars");

        BadRequestException encoded = assertThrows(BadRequestException.class, () -> HttpApiRequest.from(
                withBody(Base64.getEncoder().encodeToString((atLimit + "x").getBytes(StandardCharsets.UTF_8)), true),
                null).body());
        assertEquals(413, encoded.status());
    }

    @Test
    void brokenBase64IsA400() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> HttpApiRequest.from(withBody("not base64!", true), null).body());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("base64"), e.getMessage());
    }
}
