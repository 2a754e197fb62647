package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP API (payload 2.0) events the way API Gateway builds them for this function: lowercased header
 * names, $default stage, and (every route needs IAM) the IAM authorizer in the request context
 * unless {@link #withoutIamAuthorizer()}.
 */
final class HttpApiEventBuilder {

    static final String REQUEST_ID = "apigw-request-0001";

    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;
    private boolean base64;
    private String stage = "$default";
    private String requestId = REQUEST_ID;
    private boolean iamAuthorizer = true;

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

    /** As a direct invoke with an event that SAM did not generate for an IAM route. */
    HttpApiEventBuilder withoutIamAuthorizer() {
        this.iamAuthorizer = false;
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
                        .withAuthorizer(iamAuthorizer ? APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                                        .withAccessKey("AKIAUPSTREAMROLE")
                                        .withAccountId("123456789012")
                                        .withCallerId("AROAUPSTREAM:upstream")
                                        .withUserArn("arn:aws:sts::123456789012:assumed-role/upstream/upstream")
                                        .withUserId("AROAUPSTREAM:upstream")
                                        .build())
                                .build() : null)
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
