package dev.circuitlab.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.function.Json;
import java.util.List;

/** Assertions every test wants on a handler response. */
final class Responses {

    /** Text that would betray a stack trace or exception internals in a response body. */
    private static final List<String> LEAKS = List.of("Exception", "at dev.", "at com.", "at java.", "\tat ", "software.amazon");

    private Responses() {
    }

    /** The body as JSON, after checking it is JSON and labelled so. */
    static JsonNode json(APIGatewayV2HTTPResponse response) {
        assertNotNull(response.getHeaders(), "headers");
        assertEquals("application/json", response.getHeaders().get("Content-Type"), "Content-Type");
        assertFalse(response.getIsBase64Encoded(), "isBase64Encoded");
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (JsonProcessingException e) {
            throw new AssertionError("body is not JSON: " + response.getBody(), e);
        }
    }

    /** A JSON error answer with {@code status} whose {@code error} names every fragment, and no internals. */
    static void assertError(APIGatewayV2HTTPResponse response, int status, String... fragments) {
        assertEquals(status, response.getStatusCode(), () -> "status; body: " + response.getBody());
        JsonNode body = json(response);
        assertTrue(body.path("error").isTextual(), () -> "no error field in " + response.getBody());
        String error = body.get("error").asText();
        for (String fragment : fragments) {
            assertTrue(error.contains(fragment), () -> "error '" + error + "' should mention '" + fragment + "'");
        }
        assertNoLeaks(response);
    }

    static void assertNoLeaks(APIGatewayV2HTTPResponse response) {
        for (String leak : LEAKS) {
            assertFalse(response.getBody().contains(leak), () -> "body leaks '" + leak + "': " + response.getBody());
        }
    }

    static String header(APIGatewayV2HTTPResponse response, String name) {
        return response.getHeaders().get(name);
    }
}
