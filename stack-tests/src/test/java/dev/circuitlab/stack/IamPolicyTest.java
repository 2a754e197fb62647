package dev.circuitlab.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.RuntimeOptions;
import dev.circuitlab.testing.SigV4Requests;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The IAM statements in template.yaml grant exactly what the functions call: the whole stack runs
 * on the local runtime (signatures checked on IAM routes), every route is exercised, and what the
 * code reaches is recorded: DynamoDB operations per table by a global SDK interceptor, and the
 * downstream API's routes the upstream calls by the local API server.
 */
class IamPolicyTest {

    /** Refresh and flush 0: every step below makes its store calls at once, where the comments say. */
    private static final Map<String, String> OVERRIDES = Map.of(
            "EnableFaultInjection", "true",
            "CircuitFailureThreshold", "2",
            "CircuitOpenDurationMs", "300",
            "CircuitSuccessThreshold", "1",
            "CircuitRefreshIntervalMs", "0",
            "CircuitFlushIntervalMs", "0");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static LocalRuntime start() {
        return LocalRuntime.start(RuntimeOptions.forProject(StackTemplate.projectRoot(), 0)
                .withParameterOverrides(OVERRIDES)
                .withConsole(new PrintStream(OutputStream.nullOutputStream()), false));
    }

    @Test
    void policiesGrantExactlyTheDynamoDbActionsTheCodeCalls() throws Exception {
        try (LocalRuntime runtime = start()) {
            DynamoDbCallRecorder.reset(); // forget the runtime's own CreateTable calls
            Caller caller = new Caller(runtime);

            expect(200, caller.anonymous("GET", "/upstream"));
            expect(200, caller.signed("PUT", "/faults", "{\"mode\":\"error\",\"probability\":1}"));
            expect(200, caller.signed("GET", "/faults", null));
            expect(502, caller.anonymous("GET", "/upstream")); // starts the failure window
            expect(502, caller.anonymous("GET", "/upstream")); // atomic ADD, then the trip
            expect(503, caller.anonymous("GET", "/upstream")); // rejected while OPEN
            expect(200, caller.signed("DELETE", "/faults", null));
            Thread.sleep(400); // past the 300 ms open duration: the next call probes
            expect(200, caller.anonymous("GET", "/upstream"));
            expect(200, caller.signed("GET", "/circuits/downstream", null));
            expect(200, caller.signed("POST", "/circuits/downstream/force-open", null));
            expect(200, caller.signed("POST", "/circuits/downstream/disable", null));
            expect(200, caller.signed("POST", "/circuits/downstream/reset", null));

            StackTemplate template = StackTemplate.load();
            Map<String, Set<String>> granted = new TreeMap<>();
            granted.putAll(template.dynamoDbGrants("UpstreamFunction"));
            granted.putAll(template.dynamoDbGrants("DownstreamFunction"));
            // Locally a table's name is its logical id, so the recorded names line up with the grants.
            assertEquals(granted, DynamoDbCallRecorder.calls(),
                    "template grants (expected) vs DynamoDB calls the code made (actual)");
        }
    }

    /**
     * Only upstream routes are called (every path through the breaker: healthy, failing, open,
     * probing, bypassed), so every request the downstream API receives is one the upstream made,
     * signed with its credentials.
     */
    @Test
    void theUpstreamMayInvokeExactlyTheDownstreamRoutesItCalls() throws Exception {
        try (LocalRuntime runtime = start()) {
            List<String> downstreamCalls = new CopyOnWriteArrayList<>();
            runtime.server().addResponseListener((apiId, routeKey, status, latencyMs) -> {
                if (apiId.equals("DownstreamApi")) {
                    downstreamCalls.add(routeKey + " " + status);
                }
            });
            Caller caller = new Caller(runtime);

            expect(200, caller.anonymous("GET", "/upstream"));
            expect(200, caller.anonymous("GET", "/health"));
            expect(200, caller.signed("GET", "/upstream/with-faults", null));
            for (String mode : List.of("throttle", "error")) {
                expect(502, caller.signedWithFault(mode));
            }
            expect(503, caller.anonymous("GET", "/upstream"));
            Thread.sleep(400);
            expect(200, caller.anonymous("GET", "/upstream")); // the probe
            expect(200, caller.signed("POST", "/circuits/downstream/disable", null));
            expect(200, caller.anonymous("GET", "/upstream")); // DISABLED: permitted, nothing recorded
            expect(200, caller.signed("POST", "/circuits/downstream/reset", null));
            expect(200, caller.signed("GET", "/circuits/downstream", null));

            Set<String> called = new TreeSet<>();
            for (String call : downstreamCalls) {
                assertTrue(call.endsWith(" 200") || call.endsWith(" 429") || call.endsWith(" 500"),
                        "the upstream's signed call was accepted (not 403): " + downstreamCalls);
                called.add("DownstreamApi " + call.substring(0, call.lastIndexOf(' ')));
            }
            assertEquals(6, downstreamCalls.size(), downstreamCalls.toString());
            assertEquals(StackTemplate.load().executeApiGrants("UpstreamFunction"), called,
                    "the upstream role's execute-api:Invoke grants (expected) vs the routes it called (actual)");
        }
    }

    /** The test's requests: anonymous, or signed like {@code curl --aws-sigv4} with the runtime's credentials. */
    private final class Caller {
        private final URI base;
        private final SigV4Requests signer;

        Caller(LocalRuntime runtime) {
            this.base = URI.create(runtime.baseUrl());
            this.signer = new SigV4Requests(runtime.credentials());
        }

        HttpResponse<String> anonymous(String method, String path) throws Exception {
            return send(HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody()));
        }

        HttpResponse<String> signed(String method, String path, String body) throws Exception {
            return send(signer.json(method, base.resolve(path), body));
        }

        HttpResponse<String> signedWithFault(String mode) throws Exception {
            return send(signer.builder("GET", base.resolve("/upstream/with-faults"), Map.of("X-Fault-Mode", mode), null));
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static void expect(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.request().method() + " " + r.uri().getPath() + " -> " + r.body());
    }
}
