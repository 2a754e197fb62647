package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** HTTP API (payload 2.0) events the way API Gateway builds them: lowercased header names, $default stage. */
final class HttpApiEventBuilder {

    static final String REQUEST_ID = "apigw-request-0001";

    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;
    private boolean base64;
    private String stage = "$default";
    private String requestId = REQUEST_ID;

    private HttpApiEventBuilder(String method, String path) {
        this.method = method;
        this.path = path;
    }

    static HttpApiEventBuilder request(String method, String path) {
        return new HttpApiEventBuilder(method, path);
    }

    static APIGatewayV2HTTPEvent get(String path) {
        return request("GET", path).build();
    }

    /** As given: tests of case-insensitivity pass mixed case; API Gateway would lowercase. */
    HttpApiEventBuilder header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    HttpApiEventBuilder body(String text) {
        this.body = text;
        this.base64 = false;
        return this;
    }

    HttpApiEventBuilder base64Body(byte[] bytes) {
        this.body = Base64.getEncoder().encodeToString(bytes);
        this.base64 = true;
        return this;
    }

    HttpApiEventBuilder base64Body(String text) {
        return base64Body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body string that claims to be base64, whatever it holds. */
    HttpApiEventBuilder rawBase64Body(String encoded) {
        this.body = encoded;
        this.base64 = true;
        return this;
    }

    HttpApiEventBuilder stage(String name) {
        this.stage = name;
        return this;
    }

    HttpApiEventBuilder requestId(String id) {
        this.requestId = id;
        return this;
    }

    APIGatewayV2HTTPEvent build() {
        String rawPath = "$default".equals(stage) ? path : "/" + stage + path;
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(rawPath)
                .withRawQueryString("")
                .withHeaders(new LinkedHashMap<>(headers))
                .withBody(body)
                .withIsBase64Encoded(base64)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey(method + " " + path)
                        .withStage(stage)
                        .withRequestId(requestId)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(rawPath)
                                .withProtocol("HTTP/1.1")
                                .withSourceIp("127.0.0.1")
                                .withUserAgent("junit")
                                .build())
                        .build())
                .build();
    }
}
