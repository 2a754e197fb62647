package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an API Gateway HTTP API (payload format 2.0) event this function uses, with the
 * awkward bits handled once: header names compared ignoring case (API Gateway lowercases them, a
 * hand-written event may not), base64 bodies decoded, and the body size limit enforced before any
 * parsing.
 */
final class HttpApiRequest {

    /** Fault configs are a few hundred bytes; anything near this is a mistake or an attack. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String DEFAULT_STAGE = "$default";

    private final String method;
    private final String path;
    private final Map<String, String> headers;
    private final String rawBody;
    private final boolean base64;
    private final String requestId;

    private HttpApiRequest(String method, String path, Map<String, String> headers, String rawBody, boolean base64,
                           String requestId) {
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.rawBody = rawBody;
        this.base64 = base64;
        this.requestId = requestId;
    }

    /** @throws BadRequestException when the event is not an HTTP API 2.0 event (no method or path) */
    static HttpApiRequest from(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event == null ? null : event.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = context == null ? null : context.getHttp();
        String method = http == null ? null : http.getMethod();
        String path = event == null ? null : event.getRawPath();
        if (path == null && http != null) {
            path = http.getPath();
        }
        if (method == null || method.isBlank() || path == null || path.isBlank()) {
            throw new BadRequestException("not an API Gateway HTTP API (payload format 2.0) event:"
                    + " requestContext.http.method and rawPath are required");
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> {
                if (name != null && value != null) {
                    headers.put(name, value);
                }
            });
        }
        return new HttpApiRequest(method.strip().toUpperCase(Locale.ROOT), withoutStage(path, context.getStage()),
                headers, event.getBody(), event.getIsBase64Encoded(), context.getRequestId());
    }

    /** On a named stage (not {@code $default}) rawPath starts with the stage: {@code /prod/downstream}. */
    private static String withoutStage(String path, String stage) {
        if (stage != null && !stage.isEmpty() && !DEFAULT_STAGE.equals(stage)) {
            String prefix = "/" + stage;
            if (path.startsWith(prefix + "/")) {
                return path.substring(prefix.length());
            }
        }
        return path;
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    /** A header by name, ignoring case; null when absent. */
    String header(String name) {
        return headers.get(name);
    }

    /** API Gateway's request id, null for hand-made events. */
    String requestId() {
        return requestId;
    }

    /**
     * The body as bytes, base64-decoded when the event says so.
     *
     * @throws BadRequestException 413 when over {@link #MAX_BODY_BYTES}; 400 for broken base64
     */
    byte[] body() {
        if (rawBody == null || rawBody.isEmpty()) {
            return new byte[0];
        }
        if (base64) {
            // Check the encoded size first so a huge body is refused without decoding it.
            long decodedEstimate = (long) rawBody.length() / 4 * 3;
            if (decodedEstimate > MAX_BODY_BYTES + 3L) {
                throw tooLarge(decodedEstimate);
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(rawBody.strip());
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("request body is marked isBase64Encoded but is not valid base64");
            }
            if (decoded.length > MAX_BODY_BYTES) {
                throw tooLarge(decoded.length);
            }
            return decoded;
        }
        // Every char is at least one UTF-8 byte: a long string is too large without encoding it.
        if (rawBody.length() > MAX_BODY_BYTES) {
            throw tooLarge(rawBody.length());
        }
        byte[] bytes = rawBody.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge(bytes.length);
        }
        return bytes;
    }

    private static BadRequestException tooLarge(long size) {
        return new BadRequestException(413, "request body is too large: about " + size + " bytes; the limit is "
                + MAX_BODY_BYTES + " bytes");
    }
}
