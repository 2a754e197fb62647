package dev.circuitlab.stack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of hostile HTTP requests for the stack's routes: odd methods, mangled paths
 * and ids, forged {@code X-Fault-*} and {@code Authorization} headers, malformed, deep, huge and
 * binary bodies. The same seed gives the same requests. Whether a request is signed is part of it.
 *
 * <p>Paths never start with {@code //}: the JDK's HTTP server under the local runtime reads that as
 * an authority and answers its own HTML 404 before any code of ours runs (API Gateway would not).
 *
 * <p>Nothing here asks the downstream to hold a request for long (a signed {@code timeout} fault or
 * a multi-second latency would be an operator's legitimate choice, and only slow the test):
 * anonymous requests do send them, and those must be ignored.
 */
final class HostileRequests {

    /** How a request is authenticated. */
    enum Signing { NONE, VALID, WRONG_SECRET }

    record Request(int index, String method, String path, Map<String, String> headers, byte[] body, Signing signing) {
        String describe() {
            return "#" + index + " " + signing + " " + method + " " + (path.length() > 120 ? path.substring(0, 120) + "..." : path)
                    + " headers=" + headers.keySet() + " body=" + (body == null ? "none" : body.length + " bytes");
        }
    }

    static final List<String> ROUTE_PATHS = List.of("/upstream", "/upstream/with-faults", "/health",
            "/circuits/downstream", "/circuits/downstream/reset", "/circuits/downstream/force-open",
            "/circuits/downstream/disable", "/downstream", "/faults");
    private static final List<String> METHODS = List.of("GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
            "OPTIONS", "BREW");
    private static final List<String> ANONYMOUS_MODES = List.of("error", "timeout", "latency", "throttle", "unavailable",
            "none", "ERROR", "Timeout", "", "explode", "error\t", "x".repeat(300), "timeout,error");
    /** What a signed request may ask the downstream for: all quick. */
    private static final List<String> SIGNED_MODES = List.of("error", "throttle", "unavailable", "none", "latency",
            "ERROR", "", "explode", "x".repeat(300), "error,throttle");
    private static final List<String> NUMBERS = List.of("0", "1", "5", "-1", "1e309", "NaN", "Infinity", "0x10", "",
            "99999999999999999999999", "0.5", "2", "500", "599", "600", "abc", " 7 ", "1_000");
    private static final List<String> AUTHORIZATIONS = List.of(
            "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64),
            "AWS4-HMAC-SHA256 Credential=local/20991231/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=abc",
            "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=",
            "AWS4-HMAC-SHA256 Credential=local/x/y/z/aws4_request,,,,SignedHeaders=host;;;",
            "AWS4-HMAC-SHA256",
            "Bearer eyJhbGciOiJub25lIn0.e30.",
            "Basic bG9jYWw6bG9jYWw=",
            "AWS4-HMAC-SHA256 " + "Credential=a/".repeat(800),
            "=",
            "\t");

    private final Random random;

    HostileRequests(long seed) {
        this.random = new Random(seed);
    }

    List<Request> generate(int count) {
        List<Request> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next(i));
        }
        return out;
    }

    private Request next(int index) {
        Signing signing = pick(List.of(Signing.NONE, Signing.NONE, Signing.VALID, Signing.VALID, Signing.WRONG_SECRET));
        // Every route gets its share; a third of the requests mangle the path.
        String path = ROUTE_PATHS.get(index % ROUTE_PATHS.size());
        if (random.nextInt(3) == 0) {
            path = manglePath(path);
        }
        String method = random.nextInt(2) == 0 ? usualMethod(path) : pick(METHODS);
        if (signing != Signing.NONE && method.equals("BREW")) {
            method = "OPTIONS"; // the SDK's signer knows only the standard methods
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int faultHeaders = random.nextInt(10) == 0 ? 12 : random.nextInt(4);
        List<String> modes = signing == Signing.VALID ? SIGNED_MODES : ANONYMOUS_MODES;
        for (int i = 0; i < faultHeaders; i++) {
            switch (random.nextInt(6)) {
                case 0, 1 -> headers.put("X-Fault-Mode", pick(modes));
                case 2 -> headers.put("X-Fault-Latency-Ms", signing == Signing.VALID ? pick(List.of("0", "5", "-3", "abc",
                        "99999999999", "")) : pick(List.of("1500", "30000", "2500", "0", "-1", "1e9")));
                case 3 -> headers.put("X-Fault-Status-Code", pick(NUMBERS));
                case 4 -> headers.put("X-Fault-Probability", pick(NUMBERS));
                default -> headers.put("X-Fault-" + pick(List.of("Extra", "Mode-2", "a", "x".repeat(60), "_-_", "Weird.Name"))
                        + i, pick(modes));
            }
        }
        if (signing == Signing.NONE && random.nextInt(3) == 0) {
            headers.put("Authorization", pick(AUTHORIZATIONS));
            if (random.nextBoolean()) {
                headers.put("X-Amz-Date", pick(List.of("20200101T000000Z", "yesterday", "", "20991231T235959Z")));
            }
            if (random.nextInt(4) == 0) {
                headers.put("X-Amz-Security-Token", "forged");
            }
        }
        if (random.nextInt(5) == 0) {
            headers.put("Content-Type", pick(List.of("application/json", "text/plain", "application/octet-stream",
                    "application/json; charset=latin1", "multipart/form-data; boundary=x", "", "*/*")));
        }
        if (random.nextInt(10) == 0) {
            headers.put(pick(List.of("Content-Encoding", "X-Forwarded-For", "Cookie", "X-Amzn-Trace-Id", "Accept")),
                    pick(List.of("gzip", "1.2.3.4, 5.6.7.8", "a=b; c", "Root=1-0-0", "x".repeat(4000), "*/*")));
        }
        return new Request(index, method, path, headers, body(), signing);
    }

    private String usualMethod(String path) {
        if (path.startsWith("/circuits/") && path.split("/").length == 4) {
            return "POST";
        }
        if (path.equals("/faults")) {
            return pick(List.of("GET", "PUT", "PUT", "DELETE"));
        }
        return "GET";
    }

    private String manglePath(String path) {
        return switch (random.nextInt(12)) {
            case 0 -> path + "/";
            case 1 -> path + "/extra";
            case 2 -> "/circuits/" + pick(List.of("", "x".repeat(70), "UPPER", "-lead", "a.b_c-d", "%2E%2E", "%00",
                    "%C3%A9", "a%2Fb", "%20", "..", "1"));
            case 3 -> "/circuits/" + pick(List.of("downstream", "other", "x".repeat(65))) + "/"
                    + pick(List.of("reset", "explode", "RESET", "reset/again", ""));
            case 4 -> "/" + "a/".repeat(random.nextInt(50) + 1);
            case 5 -> path + "//" + pick(List.of("", "x", "reset"));
            case 6 -> path + "?" + pick(List.of("x=1", "x=%ZZ".replace("%ZZ", "%25ZZ"), "a=1&a=2&b", "q=" + "y".repeat(2000),
                    "X-Amz-Signature=00&X-Amz-Algorithm=AWS4-HMAC-SHA256"));
            case 7 -> path.toUpperCase(java.util.Locale.ROOT);
            case 8 -> "/" + "%41%42".repeat(random.nextInt(100) + 1);
            case 9 -> path + "%2F..%2F";
            case 10 -> "/x".repeat(300);
            default -> "/prod" + path;
        };
    }

    private byte[] body() {
        return switch (random.nextInt(16)) {
            case 0, 1, 2, 3, 4, 5 -> null;
            case 6 -> new byte[0];
            case 7 -> utf8(pick(List.of("{\"mode\":\"error\",\"probability\":1,\"expiresInSeconds\":5}",
                    "{\"mode\":\"unavailable\",\"probability\":0.3,\"expiresInSeconds\":2}",
                    "{\"mode\":\"none\"}", "{\"mode\":\"throttle\",\"probability\":0.2,\"expiresInSeconds\":1}")));
            case 8 -> utf8(pick(List.of("{", "}", "null", "[]", "\"x\"", "{\"mode\":1}", "{\"mode\":\"error\",\"mode\":\"none\"}",
                    "{\"mode\":\"latency\",\"latencyMs\":-5}", "{\"mode\":\"error\",\"statusCode\":200}",
                    "{\"mode\":\"error\",\"probability\":1e400}", "{\"mode\":\"error\",\"expiresInSeconds\":1e30}",
                    "{\"unknown\":true}", "{\"mode\":\"timeout\",\"latencyMs\":99999999}", "{\"mode\":null}")));
            case 9 -> utf8("[".repeat(random.nextInt(20_000) + 1));
            case 10 -> utf8("{\"a\":".repeat(3000) + "1" + "}".repeat(3000));
            case 11 -> utf8("{\"mode\":\"error\",\"probability\":" + "9".repeat(5000) + "}");
            case 12 -> {
                byte[] b = new byte[random.nextInt(4096) + 1];
                random.nextBytes(b);
                yield b;
            }
            case 13 -> new byte[] {(byte) 0xC3, (byte) 0x28, '{', 0, 0, '}'};
            case 14 -> utf8("{\"mode\":\"error\",\"pad\":\"" + "p".repeat(70 * 1024) + "\"}");
            default -> random.nextInt(40) == 0 ? new byte[11 * 1024 * 1024] : utf8("x".repeat(random.nextInt(200_000)));
        };
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
