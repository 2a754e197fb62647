package dev.circuitlab.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiResponseTest {

    @Test
    void anErrorIsTheMessageAndItsDetailsWithNumbersKeptAsNumbers() {
        HttpApiResponse r = HttpApiResponse.error(413, "request body too large", "limitBytes", 65536,
                "bodyBytes", 70000L, "path", new StringBuilder("/x"), "absent", null);

        assertEquals(413, r.status());
        assertEquals(Map.of("Content-Type", "application/json"), r.headers());
        assertEquals("{\"error\":\"request body too large\",\"limitBytes\":65536,\"bodyBytes\":70000,\"path\":\"/x\"}",
                r.body());
        assertEquals("{\"error\":\"fault store unavailable\"}", HttpApiResponse.error(503, "fault store unavailable").body());
    }

    @Test
    void headersKeepTheirOrderAndAnExistingOneIsNotReplacedByIfAbsent() {
        HttpApiResponse r = HttpApiResponse.json(200, Json.object().put("ok", true))
                .withHeader("Retry-After", "1")
                .withHeader("X-Circuit-State", "OPEN");

        assertEquals(List.of("Content-Type", "Retry-After", "X-Circuit-State"), List.copyOf(r.headers().keySet()));
        assertSame(r, r.withHeaderIfAbsent("x-circuit-state", "CLOSED"));
        assertEquals("UNKNOWN", r.withHeaderIfAbsent("X-Other", "UNKNOWN").headers().get("X-Other"));
    }

    @Test
    void becomesAnApiGatewayResponse() {
        APIGatewayV2HTTPResponse event = HttpApiResponse.error(404, "no such route").withHeader("Allow", "GET")
                .toApiGateway();

        assertEquals(404, event.getStatusCode());
        assertEquals("GET", event.getHeaders().get("Allow"));
        assertEquals("{\"error\":\"no such route\"}", event.getBody());
        assertFalse(event.getIsBase64Encoded());
    }
}
