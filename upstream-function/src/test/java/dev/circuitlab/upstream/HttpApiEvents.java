package dev.circuitlab.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Builds HTTP API (payload 2.0) events and checks responses, as API Gateway would send and read them. */
final class HttpApiEvents {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpApiEvents() {
    }

    static APIGatewayV2HTTPEvent request(String method, String path) {
        return request(method, path, Map.of(), null);
    }

    static APIGatewayV2HTTPEvent request(String method, String path, Map<String, String> headers, String body) {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(path)
                .withRawQueryString("")
                .withHeaders(lower)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withStage("$default")
                        .withRequestId(UUID.randomUUID().toString())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).withProtocol("HTTP/1.1").withSourceIp("127.0.0.1")
                                .build())
                        .build())
                .build();
    }

    /** The event as API Gateway sends it for a signed request to an IAM route: with the IAM authorizer. */
    static APIGatewayV2HTTPEvent iamAuthorized(APIGatewayV2HTTPEvent event) {
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                        .withAccessKey("AKIAOPERATOR")
                        .withAccountId("123456789012")
                        .withCallerId("AIDAOPERATOR")
                        .withUserArn("arn:aws:iam::123456789012:user/operator")
                        .withUserId("AIDAOPERATOR")
                        .build())
                .build());
        return event;
    }

    static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return MAPPER.readTree(response.getBody());
        } catch (JsonProcessingException e) {
            throw new AssertionError("response body is not JSON: " + response.getBody(), e);
        }
    }

    static String header(APIGatewayV2HTTPResponse response, String name) {
        if (response.getHeaders() == null) {
            return null;
        }
        return response.getHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** The contract of every error answer: JSON with "error", the state header, no stack trace. */
    static JsonNode assertJsonError(APIGatewayV2HTTPResponse response, int status) {
        assertEquals(status, response.getStatusCode(), response::getBody);
        assertNotNull(header(response, "X-Circuit-State"), "every response carries X-Circuit-State");
        assertEquals("application/json", header(response, "Content-Type"));
        assertNoStackTrace(response);
        JsonNode body = json(response);
        assertTrue(body.hasNonNull("error"), () -> "no error field: " + response.getBody());
        return body;
    }

    static void assertNoStackTrace(APIGatewayV2HTTPResponse response) {
        String body = String.valueOf(response.getBody());
        assertFalse(body.contains("Exception"), () -> "exception text in body: " + body);
        assertFalse(body.contains("\tat "), () -> "stack trace in body: " + body);
        assertFalse(body.contains("\\tat "), () -> "stack trace in body: " + body);
    }
}
