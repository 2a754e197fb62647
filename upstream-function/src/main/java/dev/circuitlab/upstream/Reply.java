package dev.circuitlab.upstream;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer before it becomes an API Gateway response. Immutable; header names keep the case
 * they are given (API Gateway and HTTP clients treat them case-insensitively).
 */
record Reply(int status, Map<String, String> headers, String body) {

    static final String CIRCUIT_STATE = "X-Circuit-State";
    static final String JSON_TYPE = "application/json";

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, ObjectNode body) {
        return new Reply(status, Map.of("Content-Type", JSON_TYPE), Json.write(body));
    }

    /** A JSON error: {@code {"error": message, ...details}}; never carries exception text. */
    static Reply error(int status, String message, Object... details) {
        ObjectNode body = Json.object();
        body.put("error", message);
        for (int i = 0; i + 1 < details.length; i += 2) {
            Object v = details[i + 1];
            if (v instanceof Number n) {
                body.put((String) details[i], n.longValue());
            } else if (v != null) {
                body.put((String) details[i], v.toString());
            }
        }
        return json(status, body);
    }

    Reply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, h, body);
    }

    Reply withHeaderIfAbsent(String name, String value) {
        boolean present = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name));
        return present ? this : withHeader(name, value);
    }

    APIGatewayV2HTTPResponse toApiGateway() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(new LinkedHashMap<>(headers))
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
