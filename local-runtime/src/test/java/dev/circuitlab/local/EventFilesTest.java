package dev.circuitlab.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.local.http.HttpApiResponses;
import dev.circuitlab.local.http.HttpResponseData;
import dev.circuitlab.local.http.RouteTable;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.SamTemplate;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.SigV4Requests;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every API event in {@code events/}: {@code ./lab invoke <Function> -e <file>} succeeds, and its
 * output is what {@code start-api} answers for the same request (status, the headers that carry
 * meaning, and the body, timestamps, ids and measured milliseconds aside). Both sides start alike:
 * empty tables (no stored fault, no circuit item) and a freshly started runtime, because an
 * invoke is always a cold start and a warm upstream instance remembers the circuit state it saw.
 */
class EventFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers the test sends itself or API Gateway sets; not part of "the same request". */
    private static final Set<String> TRANSPORT_HEADERS = Set.of("host", "content-length", "connection",
            "x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id");
    private static final List<String> MEANINGFUL_HEADERS = List.of("Content-Type", "X-Circuit-State", "X-Fault-Injected");
    /** Fields that differ between any two calls (clock, ids, versions). */
    private static final Set<String> VOLATILE = Set.of("requestId", "now", "windowStart", "at", "version",
            "probeLeases", "retryAfterSeconds");
    private static final Map<String, String> OVERRIDES = Map.of("DownstreamTimeout", "3", "EnableFaultInjection", "true");

    private static DynaliteServer dynalite;
    private static RouteTable routes;

    @BeforeAll
    static void start() {
        dynalite = DynaliteServer.start(Fixtures.projectRoot());
        routes = new RouteTable(SamTemplate.load(Fixtures.projectRoot().resolve("template.yaml"))
                .resolve(new LocalBindings(OVERRIDES, "http://127.0.0.1:0", Map.of())).routes());
    }

    @AfterAll
    static void stop() {
        if (dynalite != null) {
            dynalite.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyEventFileInvokesLikeStartApi() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Fixtures.projectRoot().resolve("events"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : files) {
            JsonNode event = JSON.readTree(file.toFile());
            if (!event.has("requestContext")) {
                continue; // env-vars.json: sam's --env-vars file, not an event
            }
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file, (ObjectNode) event)));
        }
        assertTrue(tests.size() >= 6, "the events/ folder has API events: " + files);
        return tests.stream();
    }

    private static void check(Path file, ObjectNode event) throws Exception {
        String method = event.at("/requestContext/http/method").asText();
        String rawPath = event.get("rawPath").asText();
        RouteTable.Match match = routes.match(method, rawPath)
                .orElseThrow(() -> new AssertionError(file + ": no template route for " + method + " " + rawPath));
        String function = match.route().functionId();

        emptyTables();
        JsonNode payload = invoke(function, file);
        HttpResponseData viaInvoke = HttpApiResponses.fromPayload(payload);

        emptyTables();
        HttpResponse<String> viaApi;
        try (LocalRuntime runtime = LocalRuntime.start(RuntimeOptions.forProject(Fixtures.projectRoot(), 0)
                .withParameterOverrides(OVERRIDES).withDynamoDbEndpoint(dynalite.endpoint()))) {
            // An IAM route's event carries the authorizer; over HTTP the request is signed instead.
            viaApi = new LocalHttp(runtime.baseUrl()).send(request(runtime.baseUrl(), event,
                    match.route().iamAuth() ? new SigV4Requests(runtime.credentials()) : null));
        }

        boolean random = event.at("/headers/x-fault-probability").isTextual();
        if (random) {
            // A 50% fault: each side may or may not get it; both must be one of the two outcomes.
            for (int status : List.of(viaInvoke.status(), viaApi.statusCode())) {
                assertTrue(status == 200 || status == 500, file + ": status " + status);
            }
            return;
        }
        assertEquals(viaInvoke.status(), viaApi.statusCode(), file + " status; invoke body " + viaInvoke.bodyText()
                + " / api body " + viaApi.body());
        for (String name : MEANINGFUL_HEADERS) {
            assertEquals(header(viaInvoke, name), viaApi.headers().firstValue(name).orElse(null), file + " header " + name);
        }
        assertEquals(comparable(viaInvoke.bodyText()), comparable(viaApi.body()), file + " body");
    }

    /** {@code ./lab invoke <function> -e <file>} in-process, against the runtime's DynamoDB. */
    private static JsonNode invoke(String function, Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("invoke", function, "-e", file.toString(),
                "--project-root", Fixtures.projectRoot().toString(),
                "--dynamodb-endpoint", dynalite.endpoint().toString(), "--parameter-overrides"));
        OVERRIDES.forEach((k, v) -> args.add(k + "=" + v));
        int exit = new LabCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args.toArray(String[]::new));
        String stdout = out.toString(StandardCharsets.UTF_8).trim();
        assertEquals(0, exit, file + ": " + err.toString(StandardCharsets.UTF_8));
        assertFalse(stdout.contains("\n"), "stdout is one JSON document: " + stdout);
        JsonNode payload = JSON.readTree(stdout);
        assertFalse(payload.has("errorType"), file + " failed: " + stdout);
        return payload;
    }

    /** The event's request over HTTP; signed with {@code signer} when it is not null. */
    private static HttpRequest request(String baseUrl, ObjectNode event, SigV4Requests signer) {
        String query = event.path("rawQueryString").asText("");
        URI uri = URI.create(baseUrl + event.get("rawPath").asText() + (query.isEmpty() ? "" : "?" + query));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> h : event.path("headers").properties()) {
            if (!TRANSPORT_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                headers.put(h.getKey(), h.getValue().asText());
            }
        }
        JsonNode body = event.get("body");
        byte[] bytes = body == null || body.isNull() ? null
                : event.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(body.asText())
                : body.asText().getBytes(StandardCharsets.UTF_8);
        String method = event.at("/requestContext/http/method").asText();
        if (signer != null) {
            return signer.builder(method, uri, headers, bytes).build();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        headers.forEach(b::header);
        return b.method(method, bytes == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    /** Deletes every item of every table (the tables exist once the first runtime has started). */
    private static void emptyTables() {
        try (DynamoDbClient client = DynamoDbEndpoint.clientBuilder(dynalite.endpoint()).build()) {
            for (String table : client.listTables().tableNames()) {
                List<String> keys = client.describeTable(d -> d.tableName(table)).table().keySchema().stream()
                        .map(KeySchemaElement::attributeName).toList();
                for (Map<String, AttributeValue> item : client.scan(r -> r.tableName(table)).items()) {
                    Map<String, AttributeValue> key = new java.util.HashMap<>();
                    keys.forEach(k -> key.put(k, item.get(k)));
                    client.deleteItem(d -> d.tableName(table).key(key));
                }
            }
        }
    }

    private static String header(HttpResponseData r, String name) {
        return r.headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static Object comparable(String body) {
        try {
            return mask(JSON.readTree(body));
        } catch (IOException e) {
            return body;
        }
    }

    private static JsonNode mask(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            for (String f : fields) {
                // Timestamps (servedAt, expiresAt, expiresAtIso, ...), ids and versions.
                if (VOLATILE.contains(f) || f.matches(".*At(Iso)?")) {
                    o.put(f, "*");
                } else if (o.get(f).isTextual()) {
                    // Measured durations ("held the request for 2796 ms") differ by a few ms.
                    o.put(f, o.get(f).asText().replaceAll("\\d+ ms", "N ms"));
                }
            }
            o.forEach(EventFilesTest::mask);
        } else if (node.isArray()) {
            node.forEach(EventFilesTest::mask);
        }
        return node;
    }
}
