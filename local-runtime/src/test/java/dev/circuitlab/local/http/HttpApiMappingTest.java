package dev.circuitlab.local.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.lambda.InvocationResult;
import dev.circuitlab.local.template.HttpRoute;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiMappingTest {

    private final ObjectMapper mapper = LocalRuntime.newMapper();
    private final RouteTable.Match match = new RouteTable.Match(
            new HttpRoute("UpstreamApi", "POST", "/circuits/{id}/reset", "Up", "Reset"), Map.of("id", "downstream"));

    private ObjectNode event(String contentType, byte[] body, String rawQuery) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("127.0.0.1:3000"));
        headers.put("user-agent", List.of("curl/8"));
        headers.put("x-multi", List.of("a", "b"));
        headers.put("cookie", List.of("a=1; b=2", "c=3"));
        if (contentType != null) {
            headers.put("content-type", List.of(contentType));
        }
        return HttpApiEvents.fromRequest(mapper, new HttpRequestData("POST", "/circuits/downstream/reset", rawQuery,
                headers, body, "127.0.0.1", 3000), match, "req-1", Instant.ofEpochMilli(1739016000000L), null);
    }

    @Test
    void aSignedRequestCarriesItsCallerInTheIamAuthorizer() {
        ObjectNode e = HttpApiEvents.fromRequest(mapper, new HttpRequestData("POST", "/circuits/downstream/reset", "",
                Map.of(), new byte[0], "127.0.0.1", 3000), match, "req-2", Instant.ofEpochMilli(1739016000000L),
                IamCaller.local("local"));

        APIGatewayV2HTTPEvent typed = mapper.convertValue(e, APIGatewayV2HTTPEvent.class);
        APIGatewayV2HTTPEvent.RequestContext.IAM iam = typed.getRequestContext().getAuthorizer().getIam();
        assertEquals("local", iam.getAccessKey());
        assertEquals("123456789012", iam.getAccountId());
        assertEquals("arn:aws:iam::123456789012:user/local", iam.getUserArn());
        assertTrue(event(null, new byte[0], "").at("/requestContext/authorizer").isMissingNode(),
                "a public route's event has no authorizer");
    }

    @Test
    void requestBecomesPayloadFormat2Event() {
        ObjectNode e = event("application/json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8), "a=1&a=2&b=%20x");
        assertEquals("2.0", e.get("version").asText());
        assertEquals("POST /circuits/{id}/reset", e.get("routeKey").asText());
        assertEquals("/circuits/downstream/reset", e.get("rawPath").asText());
        assertEquals("a=1&a=2&b=%20x", e.get("rawQueryString").asText());
        assertEquals("1,2", e.at("/queryStringParameters/a").asText());
        assertEquals(" x", e.at("/queryStringParameters/b").asText());
        assertEquals("a,b", e.at("/headers/x-multi").asText());
        assertTrue(e.at("/headers/cookie").isMissingNode(), "cookies move out of the headers");
        assertEquals(List.of("a=1", "b=2", "c=3"), mapper.convertValue(e.get("cookies"), List.class));
        assertEquals("downstream", e.at("/pathParameters/id").asText());
        assertEquals("{\"x\":1}", e.get("body").asText());
        assertFalse(e.get("isBase64Encoded").asBoolean());
        assertEquals("POST", e.at("/requestContext/http/method").asText());
        assertEquals("08/Feb/2025:12:00:00 +0000", e.at("/requestContext/time").asText());
        assertEquals("$default", e.at("/requestContext/stage").asText());

        // The handlers' input type reads it.
        APIGatewayV2HTTPEvent typed = mapper.convertValue(e, APIGatewayV2HTTPEvent.class);
        assertEquals("downstream", typed.getPathParameters().get("id"));
        assertEquals("curl/8", typed.getRequestContext().getHttp().getUserAgent());
        assertEquals(1739016000000L, typed.getRequestContext().getTimeEpoch());
    }

    @Test
    void binaryBodiesAreBase64() {
        byte[] bytes = {0, 1, (byte) 0xff};
        ObjectNode e = event("application/octet-stream", bytes, "");
        assertTrue(e.get("isBase64Encoded").asBoolean());
        assertArrayEquals(bytes, java.util.Base64.getDecoder().decode(e.get("body").asText()));
        assertTrue(event(null, bytes, "").get("isBase64Encoded").asBoolean(), "invalid UTF-8 without a type");
        assertFalse(event(null, new byte[0], "").has("body"));
    }

    @Test
    void structuredResponseBecomesHttp() throws Exception {
        JsonNode payload = mapper.readTree("""
                {"statusCode":201,"headers":{"Content-Type":"text/plain","Content-Length":"999"},
                 "multiValueHeaders":{"X-M":["1","2"]},"cookies":["a=1","b=2; Path=/"],
                 "body":"AAH/","isBase64Encoded":true}""");
        HttpResponseData r = HttpApiResponses.fromPayload(payload);
        assertEquals(201, r.status());
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, r.body());
        assertEquals(List.of(Map.entry("Content-Type", "text/plain"), Map.entry("X-M", "1"), Map.entry("X-M", "2"),
                Map.entry("Set-Cookie", "a=1"), Map.entry("Set-Cookie", "b=2; Path=/")), r.headers());
    }

    @Test
    void otherResultsMapLikeApiGateway() throws Exception {
        HttpResponseData plain = HttpApiResponses.fromPayload(mapper.readTree("{\"hello\":\"world\"}"));
        assertEquals(200, plain.status());
        assertEquals("{\"hello\":\"world\"}", plain.bodyText());
        assertEquals(502, HttpApiResponses.fromPayload(mapper.readTree("{\"statusCode\":0}")).status());
        assertEquals(502, HttpApiResponses.from(new InvocationResult.FunctionError("r", "E", "secret", List.of())).status());
        assertFalse(HttpApiResponses.from(new InvocationResult.FunctionError("r", "E", "secret", List.of())).bodyText().contains("secret"));
        assertEquals(504, HttpApiResponses.from(new InvocationResult.TimedOut("r", 3)).status());
        HttpResponseData throttled = HttpApiResponses.from(new InvocationResult.Throttled("r", 2));
        assertEquals(429, throttled.status());
        assertEquals("{\"message\":\"Too Many Requests\"}", throttled.bodyText());
    }
}
