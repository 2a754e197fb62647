package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer with a JSON body; every response of this function is JSON, errors included. */
record ApiResponse(int status, Map<String, String> headers, String body) {

    static final String CONTENT_TYPE = "Content-Type";
    static final String APPLICATION_JSON = "application/json";

    ApiResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    static ApiResponse json(int status, JsonNode body) {
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serializes; this would be a bug in Jackson, not in the input.
            throw new IllegalStateException("cannot serialize response body", e);
        }
        return new ApiResponse(status, Map.of(CONTENT_TYPE, APPLICATION_JSON), text);
    }

    /** {@code {"error": message}}. */
    static ApiResponse error(int status, String message) {
        return json(status, Json.MAPPER.createObjectNode().put("error", message));
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ApiResponse(status, copy, body);
    }

    APIGatewayV2HTTPResponse toEvent() {
        APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
        response.setStatusCode(status);
        response.setHeaders(new LinkedHashMap<>(headers));
        response.setBody(body);
        response.setIsBase64Encoded(false);
        return response;
    }
}
