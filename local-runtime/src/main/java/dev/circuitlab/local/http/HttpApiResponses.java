package dev.circuitlab.local.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.local.lambda.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns an invocation result into the HTTP response an HTTP API would send.
 *
 * <p>Successful results follow payload format 2.0: an object with {@code statusCode} gives the
 * status, {@code headers}, {@code multiValueHeaders}, {@code cookies} (as Set-Cookie) and the
 * body (base64-decoded when {@code isBase64Encoded}); any other JSON is a 200 with that JSON as
 * the body. Failures never echo the function's error to the client:
 * <ul>
 *   <li>unhandled exception or malformed response: 502 {@code {"message":"Internal Server Error"}};</li>
 *   <li>function timeout: 504 {@code {"message":"Endpoint request timed out"}} (what API Gateway
 *       answers when the integration gives up; a 5xx the breaker counts as a failure);</li>
 *   <li>concurrency limit reached, or the stage's route throttling: 429 {@code {"message":"Too Many Requests"}}.</li>
 * </ul>
 */
public final class HttpApiResponses {

    public static final HttpResponseData INTERNAL_ERROR = HttpResponseData.json(502, "{\"message\":\"Internal Server Error\"}");
    public static final HttpResponseData TIMED_OUT = HttpResponseData.json(504, "{\"message\":\"Endpoint request timed out\"}");
    public static final HttpResponseData THROTTLED = HttpResponseData.json(429, "{\"message\":\"Too Many Requests\"}");
    public static final HttpResponseData NOT_FOUND = HttpResponseData.json(404, "{\"message\":\"Not Found\"}");
    /**
     * The rest of the body is left unread, so the connection cannot carry another request: it is
     * closed, and the client is told so (else it could reuse it and find it dead).
     */
    public static final HttpResponseData TOO_LARGE = new HttpResponseData(413,
            List.of(Map.entry("Content-Type", "application/json"), Map.entry("Connection", "close")),
            "{\"message\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8));

    /** API Gateway's refusal of a request to an IAM route: 403 with {@code {"message": ...}}. */
    public static HttpResponseData forbidden(String message) {
        return HttpResponseData.json(403,
                "{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}");
    }

    /** Headers the server sets itself; a function cannot override them. */
    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection", "date");

    private HttpApiResponses() {
    }

    public static HttpResponseData from(InvocationResult result) {
        return switch (result) {
            case InvocationResult.Success s -> fromPayload(s.response());
            case InvocationResult.FunctionError e -> INTERNAL_ERROR;
            case InvocationResult.TimedOut t -> TIMED_OUT;
            case InvocationResult.Throttled t -> THROTTLED;
        };
    }

    /** Payload format 2.0 → HTTP. A malformed response is a 502, as API Gateway's is. */
    public static HttpResponseData fromPayload(JsonNode payload) {
        if (payload == null || !payload.isObject() || !payload.has("statusCode")) {
            String body = payload == null || payload.isNull() ? "" : payload.isTextual() ? payload.asText() : payload.toString();
            return new HttpResponseData(200, List.of(Map.entry("Content-Type", "application/json")),
                    body.getBytes(StandardCharsets.UTF_8));
        }
        JsonNode status = payload.get("statusCode");
        int code = status.canConvertToInt() ? status.asInt() : parseInt(status.asText());
        if (code < 100 || code > 599) {
            return INTERNAL_ERROR;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        JsonNode single = payload.path("headers");
        for (Map.Entry<String, JsonNode> h : single.properties()) {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT)) && !h.getValue().isNull()) {
                headers.add(Map.entry(h.getKey(), h.getValue().asText()));
            }
        }
        JsonNode multi = payload.path("multiValueHeaders");
        for (Map.Entry<String, JsonNode> h : multi.properties()) {
            if (HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT)) || single.has(h.getKey())) {
                continue;
            }
            for (JsonNode v : h.getValue()) {
                headers.add(Map.entry(h.getKey(), v.asText()));
            }
        }
        for (JsonNode cookie : payload.path("cookies")) {
            headers.add(Map.entry("Set-Cookie", cookie.asText()));
        }
        byte[] body;
        JsonNode b = payload.get("body");
        if (b == null || b.isNull()) {
            body = new byte[0];
        } else if (payload.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = Base64.getDecoder().decode(b.asText());
            } catch (IllegalArgumentException e) {
                return INTERNAL_ERROR;
            }
        } else {
            body = (b.isTextual() ? b.asText() : b.toString()).getBytes(StandardCharsets.UTF_8);
        }
        return new HttpResponseData(code, headers, body);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
