package dev.circuitlab.function;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer before it becomes an API Gateway (payload 2.0) response. Immutable; header names
 * keep the case and order they are given (API Gateway and HTTP clients treat them case-insensitively).
 *
 * <p>Every error either function answers has one shape, {@link #error}: {@code {"error": message}}
 * plus optional detail fields, never exception text.
 */
public record HttpApiResponse(int status, Map<String, String> headers, String body) {

    public static final String CONTENT_TYPE = "Content-Type";
    public static final String APPLICATION_JSON = "application/json";

    public HttpApiResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static HttpApiResponse json(int status, JsonNode body) {
        return new HttpApiResponse(status, Map.of(CONTENT_TYPE, APPLICATION_JSON), Json.write(body));
    }

    /**
     * {@code {"error": message, key: value, ...}}: {@code details} are name/value pairs; numbers
     * stay JSON numbers, other values become their text, null values are left out.
     */
    public static HttpApiResponse error(int status, String message, Object... details) {
        ObjectNode body = Json.object();
        body.put("error", message);
        for (int i = 0; i + 1 < details.length; i += 2) {
            String name = (String) details[i];
            Object value = details[i + 1];
            if (value instanceof Number number) {
                body.put(name, number.longValue());
            } else if (value != null) {
                body.put(name, value.toString());
            }
        }
        return json(status, body);
    }

    public HttpApiResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpApiResponse(status, copy, body);
    }

    /** Adds the header unless one of that name (in any case) is already there. */
    public HttpApiResponse withHeaderIfAbsent(String name, String value) {
        boolean present = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name));
        return present ? this : withHeader(name, value);
    }

    public APIGatewayV2HTTPResponse toApiGateway() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(new LinkedHashMap<>(headers))
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
