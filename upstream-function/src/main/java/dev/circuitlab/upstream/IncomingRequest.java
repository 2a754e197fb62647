package dev.circuitlab.upstream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an HTTP API (payload 2.0) event this function uses, normalized once.
 *
 * @param method    upper-case HTTP method
 * @param path      raw path without the stage prefix and without a trailing slash ("/" stays "/")
 * @param headers   request headers; lookups ignore case
 * @param bodyBytes size of the body in bytes (decoded if base64)
 * @param requestId the Lambda request id, else API Gateway's, else "-"
 */
record IncomingRequest(String method, String path, Map<String, String> headers, long bodyBytes, String requestId) {

    IncomingRequest {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        headers = java.util.Collections.unmodifiableMap(h);
    }

    static IncomingRequest from(APIGatewayV2HTTPEvent event, Context context) {
        if (event == null) {
            return new IncomingRequest("", "/", Map.of(), 0, requestId(null, context));
        }
        APIGatewayV2HTTPEvent.RequestContext rc = event.getRequestContext();
        String method = rc != null && rc.getHttp() != null ? rc.getHttp().getMethod() : null;
        String rawPath = event.getRawPath();
        if (rawPath == null && rc != null && rc.getHttp() != null) {
            rawPath = rc.getHttp().getPath();
        }
        String stage = rc == null ? null : rc.getStage();
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : withoutNulls(event.getHeaders());
        return new IncomingRequest(method == null ? "" : method.toUpperCase(Locale.ROOT),
                normalizePath(rawPath, stage), headers, bodyBytes(event), requestId(rc, context));
    }

    String header(String name) {
        return headers.get(name);
    }

    private static String normalizePath(String rawPath, String stage) {
        String p = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        // A named (non-$default) stage shows up as the first path segment of rawPath.
        if (stage != null && !stage.isEmpty() && !"$default".equals(stage) && p.startsWith("/" + stage + "/")) {
            p = p.substring(stage.length() + 1);
        }
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static long bodyBytes(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null) {
            return 0;
        }
        if (event.getIsBase64Encoded()) {
            int padding = body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0;
            return Math.max(0, (long) body.length() * 3 / 4 - padding);
        }
        return body.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String requestId(APIGatewayV2HTTPEvent.RequestContext rc, Context context) {
        if (context != null && context.getAwsRequestId() != null) {
            return context.getAwsRequestId();
        }
        if (rc != null && rc.getRequestId() != null) {
            return rc.getRequestId();
        }
        return "-";
    }

    private static Map<String, String> withoutNulls(Map<String, String> headers) {
        Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
