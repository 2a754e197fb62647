package dev.circuitlab.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.local.fixtures.EchoHandler;
import dev.circuitlab.local.lambda.ExecutionEnvironmentPool;
import dev.circuitlab.local.lambda.FunctionLog;
import dev.circuitlab.testing.LocalCredentials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runtime on the fixture template (fake handlers), with its own dynalite, over plain HTTP. */
class LocalRuntimeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteArrayOutputStream CONSOLE = new ByteArrayOutputStream();
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static LocalHttp signed;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(RuntimeOptions.forProject(Fixtures.projectRoot(), 0)
                .withTemplate(Fixtures.fixtureTemplate())
                .withParameterOverrides(Map.of("EchoTimeout", "1", "EchoConcurrency", "2"))
                .withConsole(new PrintStream(CONSOLE, true, StandardCharsets.UTF_8), true));
        http = new LocalHttp(runtime.baseUrl());
        signed = LocalHttp.signed(runtime);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    private static ExecutionEnvironmentPool pool(String fn) {
        return runtime.lambdas().pool(fn).orElseThrow();
    }

    private static List<String> logLines(String fn) {
        return pool(fn).log().recent().stream().map(FunctionLog.Line::message).toList();
    }

    @Test
    void requestReachesTheFunctionAsAnHttpApiEvent() {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(http.request("GET", "/echo?x=1&x=2", null).uri())
                .header("Cookie", "a=1; b=2").build());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("yes", r.headers().firstValue("X-Echo").orElseThrow());
        assertEquals(List.of("session=abc; Path=/", "theme=dark"), r.headers().allValues("Set-Cookie"));
        JsonNode body = json(r);
        assertEquals("EchoFunction", body.get("function").asText());
        assertEquals("GET /echo", body.get("routeKey").asText());
        assertEquals("1,2", body.at("/query/x").asText());
        assertEquals("[\"a=1\",\"b=2\"]", body.get("cookies").toString());
        assertEquals("hello", body.at("/env/GREETING").asText(), "the function's own environment");
        assertEquals("from-globals", body.at("/env/GLOBAL_VAR").asText());
        assertEquals("EchoFunction", body.at("/env/AWS_LAMBDA_FUNCTION_NAME").asText());
        assertEquals(runtime.dynamoDbEndpoint().toString(), body.at("/env/DYNAMODB_ENDPOINT").asText());
        assertEquals(256, body.get("memory").asInt());
        int remaining = body.get("remainingMs").asInt();
        assertTrue(remaining > 0 && remaining <= 1000, "remaining time counts down from Timeout: " + remaining);
    }

    @Test
    void pathParametersProxyPathsAndBodies() {
        assertEquals("a b", json(signed.get("/items/a%20b")).at("/pathParameters/id").asText());
        JsonNode proxy = json(http.send("DELETE", "/files/x/y.txt", null));
        assertEquals("x/y.txt", proxy.at("/pathParameters/proxy").asText());
        assertEquals("DELETE", proxy.get("method").asText());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(http.request("POST", "/echo", null).uri())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"k\":\"v\"}")).build());
        assertEquals("{\"k\":\"v\"}", json(post).get("body").asText());
        assertFalse(json(post).get("isBase64Encoded").asBoolean());
    }

    @Test
    void iamRoutesNeedAValidSignatureAndTheFunctionSeesTheCaller() {
        HttpResponse<String> unsigned = http.get("/items/1");
        assertEquals(403, unsigned.statusCode());
        assertEquals("{\"message\":\"Forbidden\"}", unsigned.body());

        HttpResponse<String> wrongSecret = new LocalHttp(runtime.baseUrl(), runtime.credentials().withSecret("guess"))
                .get("/items/1");
        assertEquals(403, wrongSecret.statusCode());
        assertTrue(wrongSecret.body().contains("signature we calculated does not match"), wrongSecret.body());

        LocalCredentials otherKey = new LocalCredentials("AKIAOTHER", "local", null, runtime.credentials().region());
        HttpResponse<String> unknownKey = new LocalHttp(runtime.baseUrl(), otherKey).get("/items/1");
        assertEquals(403, unknownKey.statusCode());
        assertEquals("{\"message\":\"The security token included in the request is invalid.\"}", unknownKey.body());

        HttpResponse<String> ok = signed.get("/items/1");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(runtime.credentials().accessKeyId(), json(ok).at("/iam/accessKey").asText());
        assertEquals("arn:aws:iam::123456789012:user/local", json(ok).at("/iam/userArn").asText());
        assertTrue(json(http.get("/echo")).get("iam").isNull(), "a public route has no IAM caller");
    }

    @Test
    void theStagesRouteThrottlingAnswers429LikeApiGateway() {
        // OtherApi: burst 2, then one token per 100 s; each route has its own bucket.
        assertEquals(201, http.get("/throttled").statusCode());
        assertEquals(201, http.get("/throttled").statusCode());
        HttpResponse<String> throttled = http.get("/throttled");
        assertEquals(429, throttled.statusCode());
        assertEquals("{\"message\":\"Too Many Requests\"}", throttled.body());
        assertEquals(0, pool("PlainFunction").metrics().throttles(), "throttled before any function ran");
    }

    @Test
    void base64ResponsesAreDecoded() throws Exception {
        HttpResponse<byte[]> r = http.client().send(http.request("GET", "/echo?binary=1", null),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, r.body());
    }

    @Test
    void functionsCallOtherApisThroughTheLocalUrl() {
        HttpResponse<String> r = http.get("/caller");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(runtime.baseUrl(), r.headers().firstValue("X-Target").orElseThrow());
        JsonNode body = json(r);
        assertEquals(200, body.get("targetStatus").asInt());
        assertEquals("EchoFunction", body.at("/target/function").asText());
        assertTrue(logLines("CallerFunction").contains("line from a non-inheriting thread"),
                "output from threads the handler's libraries create is the caller's: " + logLines("CallerFunction"));
        assertFalse(logLines("EchoFunction").contains("async line from caller"), "never another function's");
    }

    @Test
    void handlerWithoutEnvironmentConstructorStillRuns() {
        HttpResponse<String> r = http.get("/plain");
        assertEquals(201, r.statusCode());
        assertEquals("plain:/plain", r.body());
        assertTrue(logLines("PlainFunction").stream().anyMatch(l -> l.contains("no public (Map<String,String>) constructor")));
    }

    @Test
    void failuresAnswer502WithoutEchoingTheError() {
        long errorsBefore = pool("EchoFunction").metrics().errors();
        HttpResponse<String> r = http.get("/echo?fail=1");
        assertEquals(502, r.statusCode());
        assertEquals("{\"message\":\"Internal Server Error\"}", r.body());
        assertTrue(logLines("EchoFunction").stream().anyMatch(l -> l.contains("secret failure detail")),
                "the exception is logged");
        assertEquals(errorsBefore + 1, pool("EchoFunction").metrics().errors());

        HttpResponse<String> init = http.get("/broken-init");
        assertEquals(502, init.statusCode());
        assertFalse(init.body().contains("missing configuration"));
        assertTrue(logLines("BrokenInitFunction").stream().anyMatch(l -> l.contains("missing configuration")));
        assertEquals(0, pool("BrokenInitFunction").environments(), "a failed init leaves no environment");

        assertEquals(502, http.get("/echo?status=0").statusCode(), "statusCode 0 is a malformed response");
    }

    @Test
    void unknownRoutesAre404() {
        HttpResponse<String> r = http.get("/nope");
        assertEquals(404, r.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", r.body());
        assertEquals(404, http.send("PATCH", "/echo", null).statusCode());
        assertEquals(404, http.get("/_local/nope").statusCode());
    }

    @Test
    void stdoutLoggerAndReportLinesAreCapturedPerFunction() {
        long coldBefore = pool("EchoFunction").metrics().coldStarts();
        HttpResponse<String> r = http.get("/echo?log=1");
        assertEquals(200, r.statusCode());
        List<FunctionLog.Line> lines = pool("EchoFunction").log().recent();
        FunctionLog.Line emf = lines.stream().filter(l -> l.message().contains("\"_aws\"")).reduce((a, b) -> b).orElseThrow();
        String requestId = emf.requestId();
        assertNotNull(requestId);
        assertEquals("stdout", emf.stream());
        Map<String, List<String>> byRequest = lines.stream().filter(l -> requestId.equals(l.requestId()))
                .collect(Collectors.groupingBy(FunctionLog.Line::stream,
                        Collectors.mapping(FunctionLog.Line::message, Collectors.toList())));
        assertTrue(byRequest.get("stdout").contains("line from a handler thread"), byRequest.toString());
        assertTrue(byRequest.get("logger").contains("logger line for " + requestId), byRequest.toString());
        List<String> platform = byRequest.get("platform");
        assertTrue(platform.get(0).startsWith("START RequestId: " + requestId), platform.toString());
        String report = platform.get(platform.size() - 1);
        assertTrue(report.matches("REPORT RequestId: " + requestId + "\tDuration: [0-9.]+ ms\tBilled Duration: \\d+ ms\tMemory Size: 256 MB.*"),
                report);
        boolean cold = pool("EchoFunction").metrics().coldStarts() > coldBefore;
        assertEquals(cold, report.contains("\tInit Duration: "), report);
        assertTrue(new String(CONSOLE.toByteArray(), StandardCharsets.UTF_8).contains("[EchoFunction] line from a handler thread"),
                "function output is echoed to the console with its name");

        // A warm invocation reports no Init Duration.
        http.get("/echo");
        List<String> reports = logLines("EchoFunction").stream().filter(l -> l.startsWith("REPORT")).toList();
        assertTrue(reports.get(0).contains("Init Duration"), "the first invocation was a cold start");
        assertTrue(reports.stream().anyMatch(l -> !l.contains("Init Duration")), reports.toString());
    }

    @Test
    void invocationsBeyondTheConcurrencyLimitAreThrottledAtOnce() throws Exception {
        ExecutionEnvironmentPool echo = pool("EchoFunction");
        assertEquals(2, echo.concurrencyLimit(), "ReservedConcurrentExecutions from the override");
        long throttlesBefore = echo.metrics().throttles();
        EchoHandler.gate = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(http.sendAsync("GET", "/echo?hold=1"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (echo.metrics().concurrentExecutions() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, echo.metrics().concurrentExecutions());
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = http.get("/echo");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(429, r.statusCode());
                assertEquals("{\"message\":\"Too Many Requests\"}", r.body());
                assertTrue(ms < 1000, "throttling does not wait: " + ms + " ms");
            }
        } finally {
            EchoHandler.gate.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertEquals(200, f.get(20, TimeUnit.SECONDS).statusCode());
        }
        assertEquals(throttlesBefore + 3, echo.metrics().throttles());
        assertEquals(2, echo.metrics().maxConcurrentExecutions());
        assertEquals(200, http.get("/echo").statusCode(), "capacity is back after the held requests end");

        JsonNode metrics = json(http.get("/_local/metrics")).at("/functions/EchoFunction");
        assertEquals(echo.metrics().throttles(), metrics.get("throttles").asLong());
        assertEquals(2, metrics.at("/concurrentExecutions/max").asInt());
        assertEquals(2, metrics.get("concurrencyLimit").asInt());
    }

    @Test
    void functionTimeoutAnswers504AndDiscardsTheEnvironment() {
        ExecutionEnvironmentPool echo = pool("EchoFunction");
        http.get("/echo"); // make sure a warm environment exists
        int live = echo.environments();
        int idle = echo.idleEnvironments();
        long timeoutsBefore = echo.metrics().timeouts();
        long errorsBefore = echo.metrics().errors();

        long start = System.nanoTime();
        HttpResponse<String> r = http.get("/echo?sleepMs=5000");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(504, r.statusCode());
        assertEquals("{\"message\":\"Endpoint request timed out\"}", r.body());
        assertTrue(ms >= 950 && ms < 3000, "answered at the 1 s Timeout: " + ms + " ms");

        assertEquals(timeoutsBefore + 1, echo.metrics().timeouts());
        assertEquals(errorsBefore + 1, echo.metrics().errors(), "a timeout is an error, as in AWS/Lambda Errors");
        assertEquals(live - 1, echo.environments(), "the timed-out environment is gone");
        assertEquals(idle - 1, echo.idleEnvironments());
        List<String> log = logLines("EchoFunction");
        assertTrue(log.stream().anyMatch(l -> l.endsWith("Task timed out after 1.00 seconds")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("REPORT") && l.endsWith("Status: timeout")));
        assertEquals(200, http.get("/echo").statusCode(), "the next request gets a working environment");
    }

    @Test
    void localEndpointsServeMetricsRoutesAndLogs() {
        http.get("/echo");
        JsonNode metrics = json(http.get("/_local/metrics"));
        JsonNode echo = metrics.at("/functions/EchoFunction");
        for (String field : List.of("invocations", "errors", "throttles", "timeouts", "coldStarts")) {
            assertTrue(echo.has(field), field);
        }
        assertTrue(echo.get("invocations").asLong() >= 1);
        assertTrue(echo.at("/durationMs/count").asLong() >= 1);
        assertTrue(echo.at("/durationMs/p99").asDouble() >= echo.at("/durationMs/p50").asDouble());
        assertTrue(echo.at("/concurrentExecutions/current").isInt());
        assertEquals(List.of("EchoFunction", "CallerFunction", "PlainFunction", "BrokenInitFunction"),
                iterable(metrics.get("functions").fieldNames()));

        JsonNode routes = json(http.get("/_local/routes"));
        assertTrue(routes.toString().contains("\"routeKey\":\"GET /items/{id}\""), routes.toString());

        JsonNode logs = json(http.get("/_local/logs/EchoFunction?limit=5"));
        assertEquals(5, logs.get("lines").size());
        assertEquals(404, http.get("/_local/logs/NoSuchFunction").statusCode());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
