package dev.circuitlab.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.RuntimeOptions;
import dev.circuitlab.local.lambda.FunctionLog;
import dev.circuitlab.testing.SigV4Requests;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may break the downstream, on the stack with its default parameters: anonymous callers'
 * {@code X-Fault-*} headers change nothing, signed ones inject the fault; the fault and admin
 * routes and the downstream itself refuse unsigned and wrongly signed requests with 403.
 */
class FaultInjectionAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalRuntime runtime;
    private static URI base;
    private static SigV4Requests operator;
    private static SigV4Requests impostor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(RuntimeOptions.forProject(StackTemplate.projectRoot(), 0)
                .withConsole(new PrintStream(OutputStream.nullOutputStream()), false));
        base = URI.create(runtime.baseUrl());
        operator = new SigV4Requests(runtime.credentials());
        impostor = new SigV4Requests(runtime.credentials().withSecret("guessed"));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @BeforeEach
    void closedCircuitNoFault() throws Exception {
        assertEquals(200, send(operator.json("POST", base.resolve("/circuits/downstream/reset"), null)).statusCode());
        assertEquals(200, send(operator.json("DELETE", base.resolve("/faults"), null)).statusCode());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String circuitState() throws Exception {
        return JSON.readTree(send(operator.json("GET", base.resolve("/circuits/downstream"), null)).body())
                .path("state").asText();
    }

    private long faultsInjectedSoFar() {
        return runtime.lambdas().pool("DownstreamFunction").orElseThrow().log().recent().stream()
                .map(FunctionLog.Line::message).filter(m -> m.contains("\"fault injected\"")).count();
    }

    @Test
    void anonymousFaultHeadersChangeNothingAndNeverReachTheDownstream() throws Exception {
        long injectedBefore = faultsInjectedSoFar();
        List<Integer> statuses = new ArrayList<>();
        for (String mode : List.of("error", "timeout")) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/upstream"))
                        .header("X-Fault-Mode", mode).header("X-Fault-Status-Code", "503").GET());
                statuses.add(r.statusCode());
                assertEquals("CLOSED", r.headers().firstValue("X-Circuit-State").orElse(""), r.body());
            }
        }
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
                200, 200), statuses);
        assertEquals("CLOSED", circuitState());
        // Every downstream request is IAM-authorized (the upstream signs), so a header that arrived would have
        // been honoured and logged.
        assertEquals(injectedBefore, faultsInjectedSoFar(), "the downstream injected no fault");
    }

    @Test
    void aSignedRequestInjectsTheFaultThroughTheUpstream() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(send(operator.builder("GET", base.resolve("/upstream/with-faults"),
                    Map.of("X-Fault-Mode", "error"), null)).statusCode());
        }
        assertEquals(List.of(502, 502, 502, 502, 502, 503), statuses, "five failures trip the default threshold");
        assertEquals("OPEN", circuitState());
    }

    @Test
    void theFaultAdminAndDownstreamRoutesRefuseUnsignedAndWronglySignedRequests() throws Exception {
        String fault = "{\"mode\":\"error\",\"probability\":1,\"expiresInSeconds\":60}";
        List<HttpRequest.Builder> refused = List.of(
                HttpRequest.newBuilder(base.resolve("/faults")).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(fault)),
                HttpRequest.newBuilder(base.resolve("/circuits/downstream/reset")).POST(HttpRequest.BodyPublishers.noBody()),
                HttpRequest.newBuilder(base.resolve("/downstream")).GET(),
                impostor.json("PUT", base.resolve("/faults"), fault),
                impostor.json("POST", base.resolve("/circuits/downstream/reset"), null),
                impostor.json("GET", base.resolve("/downstream"), null));
        for (HttpRequest.Builder request : refused) {
            HttpResponse<String> r = send(request);
            assertEquals(403, r.statusCode(), r.request() + " " + r.body());
            assertTrue(JSON.readTree(r.body()).hasNonNull("message"), r.body());
        }
        assertEquals("CLOSED", circuitState(), "nothing changed");

        assertEquals(200, send(operator.json("PUT", base.resolve("/faults"), fault)).statusCode());
        assertEquals(200, send(operator.json("POST", base.resolve("/circuits/downstream/reset"), null)).statusCode());
        HttpResponse<String> downstream = send(operator.builder("GET", base.resolve("/downstream"),
                Map.of("X-Fault-Mode", "throttle"), null));
        assertEquals(429, downstream.statusCode(), "a signed direct call's fault header applies: " + downstream.body());
    }
}
