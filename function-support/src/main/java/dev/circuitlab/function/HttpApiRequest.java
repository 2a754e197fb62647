package dev.circuitlab.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of an API Gateway HTTP API (payload format 2.0) event the functions use, with the
 * awkward bits handled once: the method upper-cased, a named stage taken off the path, header
 * names compared ignoring case (API Gateway lowercases them, a hand-written event may not), the
 * body size known without decoding, and base64 bodies decoded within the size limit.
 *
 * <p>Building one never fails: an event without a method or a path (a direct invocation with some
 * other payload) gives a request that is not {@link #isHttpApiEvent()}, which the functions answer
 * with a 400 saying {@link #NOT_AN_HTTP_API_EVENT}.
 */
public final class HttpApiRequest {

    /** Both functions take small bodies or none; anything near this is a mistake or an attack. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    public static final String NOT_AN_HTTP_API_EVENT = "not an API Gateway HTTP API (payload format 2.0) event:"
            + " requestContext.http.method and rawPath are required";
    private static final String DEFAULT_STAGE = "$default";

    private final String method;
    private final String path;
    private final Map<String, String> headers;
    private final String rawBody;
    private final boolean base64;
    private final String gatewayRequestId;
    private final String lambdaRequestId;
    private final boolean iamAuthorized;

    private HttpApiRequest(APIGatewayV2HTTPEvent event, Context context) {
        APIGatewayV2HTTPEvent.RequestContext requestContext = event == null ? null : event.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = requestContext == null ? null : requestContext.getHttp();
        String rawMethod = http == null ? null : http.getMethod();
        String rawPath = event == null ? null : event.getRawPath();
        if (rawPath == null && http != null) {
            rawPath = http.getPath();
        }
        this.method = rawMethod == null ? "" : rawMethod.strip().toUpperCase(Locale.ROOT);
        this.path = rawPath == null || rawPath.isBlank() ? "" : withoutStage(rawPath,
                requestContext == null ? null : requestContext.getStage());
        this.headers = Collections.unmodifiableMap(caseInsensitive(event == null ? null : event.getHeaders()));
        this.rawBody = event == null ? null : event.getBody();
        this.base64 = event != null && event.getIsBase64Encoded();
        this.gatewayRequestId = requestContext == null ? null : requestContext.getRequestId();
        this.lambdaRequestId = context == null ? null : context.getAwsRequestId();
        this.iamAuthorized = requestContext != null && requestContext.getAuthorizer() != null
                && requestContext.getAuthorizer().getIam() != null;
    }

    /** @param context Lambda's context, or null (a hand-made invocation) */
    public static HttpApiRequest from(APIGatewayV2HTTPEvent event, Context context) {
        return new HttpApiRequest(event, context);
    }

    /** Whether the event had a method and a path; the other accessors are empty strings when not. */
    public boolean isHttpApiEvent() {
        return !method.isEmpty() && !path.isEmpty();
    }

    /** Upper-case HTTP method. */
    public String method() {
        return method;
    }

    /** The raw path without a named stage's prefix; a trailing slash is kept. */
    public String path() {
        return path;
    }

    /**
     * API Gateway authorized the request with IAM (a signed request to an IAM route): the event
     * carries {@code requestContext.authorizer.iam}. Callers cannot forge it; only a direct invocation
     * can (and whoever may invoke the function may do anything with it anyway).
     */
    public boolean iamAuthorized() {
        return iamAuthorized;
    }

    /** A header by name, ignoring case; null when absent. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Every header, looked up ignoring case. */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The Lambda request id, else API Gateway's, else {@code "-"}: what log lines carry, so they
     * match Lambda's own log lines for the invocation.
     */
    public String requestId() {
        if (lambdaRequestId != null) {
            return lambdaRequestId;
        }
        return gatewayRequestId != null ? gatewayRequestId : "-";
    }

    /**
     * API Gateway's request id, else the Lambda request id, else null: what a caller can match with
     * API Gateway's access log.
     */
    public String gatewayRequestId() {
        return gatewayRequestId != null ? gatewayRequestId : lambdaRequestId;
    }

    /** The body's size in bytes (decoded size if base64), without decoding it. */
    public long bodyBytes() {
        if (rawBody == null) {
            return 0;
        }
        if (base64) {
            int padding = rawBody.endsWith("==") ? 2 : rawBody.endsWith("=") ? 1 : 0;
            return Math.max(0, (long) rawBody.length() * 3 / 4 - padding);
        }
        return rawBody.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The body as bytes, base64-decoded when the event says so.
     *
     * @throws BadRequestException 413 when over {@link #MAX_BODY_BYTES}; 400 for broken base64
     */
    public byte[] body() {
        if (rawBody == null || rawBody.isEmpty()) {
            return new byte[0];
        }
        if (!base64) {
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
        // The encoded size first, so a huge body is refused without decoding it.
        long estimate = bodyBytes();
        if (estimate > MAX_BODY_BYTES) {
            throw tooLarge(estimate);
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

    private static BadRequestException tooLarge(long size) {
        return new BadRequestException(413, "request body is too large: about " + size + " bytes; the limit is "
                + MAX_BODY_BYTES + " bytes");
    }

    /** On a named stage (not {@code $default}) rawPath starts with the stage: {@code /prod/downstream}. */
    private static String withoutStage(String path, String stage) {
        if (stage != null && !stage.isEmpty() && !DEFAULT_STAGE.equals(stage) && path.startsWith("/" + stage + "/")) {
            return path.substring(stage.length() + 1);
        }
        return path;
    }

    private static Map<String, String> caseInsensitive(Map<String, String> headers) {
        Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (name != null && value != null) {
                    copy.put(name, value);
                }
            });
        }
        return copy;
    }
}
