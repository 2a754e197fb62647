package dev.circuitlab.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.RuntimeOptions;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The IAM statements in template.yaml grant exactly the DynamoDB actions the functions call: the
 * whole stack runs on the local runtime, every route that touches DynamoDB is exercised, and a
 * global SDK interceptor records the operations per table.
 */
class IamPolicyTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void policiesGrantExactlyTheDynamoDbActionsTheCodeCalls() throws Exception {
        RuntimeOptions options = RuntimeOptions.forProject(StackTemplate.projectRoot(), 0)
                .withParameterOverrides(Map.of(
                        "EnableFaultInjection", "true",
                        "CircuitFailureThreshold", "2",
                        "CircuitOpenDurationMs", "300",
                        "CircuitSuccessThreshold", "1"))
                .withConsole(new PrintStream(OutputStream.nullOutputStream()), false);
        try (LocalRuntime runtime = LocalRuntime.start(options)) {
            DynamoDbCallRecorder.reset(); // forget the runtime's own CreateTable calls
            String base = runtime.baseUrl();

            expect(200, send(base, "GET", "/upstream", null));
            expect(200, send(base, "PUT", "/faults", "{\"mode\":\"error\",\"probability\":1}"));
            expect(200, send(base, "GET", "/faults", null));
            expect(502, send(base, "GET", "/upstream", null)); // starts the failure window
            expect(502, send(base, "GET", "/upstream", null)); // atomic ADD, then the trip
            expect(503, send(base, "GET", "/upstream", null)); // rejected while OPEN
            expect(200, send(base, "DELETE", "/faults", null));
            Thread.sleep(400); // past the 300 ms open duration: the next call probes
            expect(200, send(base, "GET", "/upstream", null));
            expect(200, send(base, "GET", "/circuits/downstream", null));
            expect(200, send(base, "POST", "/circuits/downstream/force-open", null));
            expect(200, send(base, "POST", "/circuits/downstream/disable", null));
            expect(200, send(base, "POST", "/circuits/downstream/reset", null));

            StackTemplate template = StackTemplate.load();
            Map<String, Set<String>> granted = new TreeMap<>();
            granted.putAll(template.dynamoDbGrants("UpstreamFunction"));
            granted.putAll(template.dynamoDbGrants("DownstreamFunction"));
            // Locally a table's name is its logical id, so the recorded names line up with the grants.
            assertEquals(granted, DynamoDbCallRecorder.calls(),
                    "template grants (expected) vs DynamoDB calls the code made (actual)");
        }
    }

    private HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.request().method() + " " + r.uri().getPath() + " -> " + r.body());
    }
}
