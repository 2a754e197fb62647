package dev.circuitlab.local.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an HTTP request into an API Gateway HTTP API payload format 2.0 event: lower-case
 * headers with repeated values joined by commas, the Cookie header split into {@code cookies},
 * repeated query parameters joined by commas, a body that is base64-encoded unless it is text, and
 * on IAM routes the signer in {@code requestContext.authorizer.iam}.
 */
public final class HttpApiEvents {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private HttpApiEvents() {
    }

    /** @param caller who signed the request, on an IAM route; null on a public one */
    public static ObjectNode fromRequest(ObjectMapper mapper, HttpRequestData request, RouteTable.Match match,
                                         String requestId, Instant now, IamCaller caller) {
        ObjectNode event = mapper.createObjectNode();
        String routeKey = match.route().routeKey();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery());

        List<String> cookies = request.headers().getOrDefault("cookie", List.of()).stream()
                .flatMap(h -> java.util.Arrays.stream(h.split(";")))
                .map(String::trim)
                .filter(c -> !c.isEmpty())
                .toList();
        if (!cookies.isEmpty()) {
            ArrayNode array = event.putArray("cookies");
            cookies.forEach(array::add);
        }

        ObjectNode headers = event.putObject("headers");
        request.headers().forEach((name, values) -> {
            if (!name.equals("cookie")) {
                headers.put(name, String.join(",", values));
            }
        });
        headers.put("x-forwarded-for", request.sourceIp());
        headers.put("x-forwarded-port", Integer.toString(request.localPort()));
        headers.put("x-forwarded-proto", "http");

        Map<String, String> query = queryParameters(request.rawQuery());
        if (!query.isEmpty()) {
            ObjectNode q = event.putObject("queryStringParameters");
            query.forEach(q::put);
        }
        if (!match.pathParameters().isEmpty()) {
            ObjectNode p = event.putObject("pathParameters");
            match.pathParameters().forEach(p::put);
        }

        String host = request.headers().getOrDefault("host", List.of("127.0.0.1")).get(0);
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", match.route().apiId());
        if (caller != null) {
            // As API Gateway fills it for a route with IAM authorization.
            ObjectNode iam = context.putObject("authorizer").putObject("iam");
            iam.put("accessKey", caller.accessKey());
            iam.put("accountId", caller.accountId());
            iam.put("callerId", caller.userId());
            iam.putNull("cognitoIdentity");
            iam.putNull("principalOrgId");
            iam.put("userArn", caller.userArn());
            iam.put("userId", caller.userId());
        }
        context.put("domainName", host);
        context.put("domainPrefix", host.contains(".") ? host.substring(0, host.indexOf('.')) : host);
        ObjectNode http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", request.rawPath());
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", request.headers().getOrDefault("user-agent", List.of("")).get(0));
        context.put("requestId", requestId);
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());

        boolean base64 = false;
        if (request.body().length > 0) {
            String contentType = request.headers().getOrDefault("content-type", List.of("")).get(0);
            String text = isText(contentType) ? utf8(request.body()) : null;
            if (text == null) {
                event.put("body", Base64.getEncoder().encodeToString(request.body()));
                base64 = true;
            } else {
                event.put("body", text);
            }
        }
        event.put("isBase64Encoded", base64);
        return event;
    }

    /** Repeated names are joined with commas, as HTTP APIs do. */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.merge(name, value, (a, b) -> a + "," + b);
        }
        return params;
    }

    private static boolean isText(String contentType) {
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.isEmpty()
                || ct.startsWith("text/")
                || ct.contains("json")
                || ct.contains("xml")
                || ct.contains("javascript")
                || ct.startsWith("application/x-www-form-urlencoded")
                || ct.startsWith("application/yaml")
                || ct.startsWith("application/graphql");
    }

    /** The body as UTF-8 text, or null when it is not valid UTF-8 (then it goes base64). */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
