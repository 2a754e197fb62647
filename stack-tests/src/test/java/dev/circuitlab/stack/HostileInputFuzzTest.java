package dev.circuitlab.stack;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.RuntimeOptions;
import dev.circuitlab.testing.LocalCredentials;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against the whole stack on the local runtime (the real template, handlers,
 * signature checks and throttling): {@value #REQUESTS} seeded requests ({@link HostileRequests})
 * over every route, anonymous, signed and wrongly signed. Every answer must be the route's normal
 * answer or a 4xx JSON error: no 5xx except the documented ones ({@link #documented5xx}: above all
 * the upstream's 502/503/504), no Java class name or stack frame in any body, no request without
 * an answer within the client timeout. {@code -Dfuzz.seed=N} replays another seed.
 */
class HostileInputFuzzTest {

    static final int REQUESTS = 2400;
    private static final int CLIENTS = 8;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
    /** Routes through the breaker: their 502/503/504 are documented answers. */
    private static final Set<String> BREAKER_ROUTES = Set.of("/upstream", "/upstream/with-faults");
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(java|javax|jdk|sun|com\\.sun|com\\.fasterxml|software\\.amazon|com\\.amazonaws|dev\\.circuitlab|org\\.\\w+)"
                    + "\\.[\\w.$]*[A-Z]\\w*|\\b\\w+(Exception|Throwable)\\b|\\bat [\\w.$]+\\([\\w$]+\\.java:\\d+\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRouteAnswersHostileInputWithItsAnswerOrA4xxJsonError() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20260301L);
        List<HostileRequests.Request> requests = new HostileRequests(seed).generate(REQUESTS);
        RuntimeOptions options = RuntimeOptions.forProject(StackTemplate.projectRoot(), 0)
                .withParameterOverrides(Map.of(
                        "EnableFaultInjection", "true",
                        // Keep every wait short: a downstream fault holds a request 3 s at most, a call 300 ms.
                        "DownstreamTimeout", "3",
                        "CircuitCallTimeoutMs", "300",
                        "CircuitProbeLeaseMs", "1300",
                        "CircuitOpenDurationMs", "500",
                        // The subject is the functions' answers; throttling has its own tests.
                        "ApiThrottlingRateLimit", "10000",
                        "ApiThrottlingBurstLimit", "5000"))
                .withDefaultConcurrency(4 * CLIENTS)
                .withConsole(new PrintStream(OutputStream.nullOutputStream()), false);
        List<String> problems = new ArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        Map<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        try (LocalRuntime runtime = LocalRuntime.start(options);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(5)).build()) {
            URI base = URI.create(runtime.baseUrl());
            SigV4Requests valid = new SigV4Requests(runtime.credentials());
            SigV4Requests wrong = new SigV4Requests(runtime.credentials().withSecret("not-the-secret"));
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (HostileRequests.Request r : requests) {
                    futures.add(pool.submit(() -> {
                        Outcome outcome = send(http, base, valid, wrong, r);
                        String problem = check(r, outcome);
                        answered.incrementAndGet();
                        byStatus.computeIfAbsent(outcome.response() == null ? "none"
                                : Integer.toString(outcome.response().statusCode()), k -> new AtomicInteger()).incrementAndGet();
                        if (problem != null) {
                            synchronized (problems) {
                                problems.add(r.describe() + ": " + problem);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(CLIENT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
        System.out.printf("hostile input: %d requests in %.1f s, seed %d, statuses %s%n", answered.get(),
                (System.nanoTime() - started) / 1e9, seed, new java.util.TreeMap<>(byStatus));
        if (!problems.isEmpty()) {
            problems.sort(null);
            fail(problems.size() + " of " + REQUESTS + " hostile requests (seed " + seed + ") got a wrong answer:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
        assertTrue(answered.get() == REQUESTS, "every request was answered: " + answered.get());
    }

    /** The answer, or the reason there was none. */
    private record Outcome(HttpResponse<String> response, String failure) {
    }

    private static Outcome send(HttpClient http, URI base, SigV4Requests valid, SigV4Requests wrong,
                                HostileRequests.Request r) {
        URI uri;
        try {
            uri = URI.create(base + r.path());
        } catch (IllegalArgumentException e) {
            return new Outcome(null, "the generator made an unsendable path: " + e.getMessage());
        }
        HttpRequest.Builder b = switch (r.signing()) {
            case VALID -> valid.builder(r.method(), uri, r.headers(), r.body());
            case WRONG_SECRET -> wrong.builder(r.method(), uri, r.headers(), r.body());
            case NONE -> {
                HttpRequest.Builder plain = HttpRequest.newBuilder(uri).method(r.method(), r.body() == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
                r.headers().forEach(plain::header);
                yield plain;
            }
        };
        try {
            return new Outcome(http.send(b.timeout(CLIENT_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()), null);
        } catch (java.net.http.HttpTimeoutException e) {
            return new Outcome(null, "no answer within " + CLIENT_TIMEOUT.toSeconds() + " s");
        } catch (java.io.IOException e) {
            return new Outcome(null, "connection failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        }
    }

    /** Null when the answer is acceptable, else what is wrong with it. */
    private static String check(HostileRequests.Request r, Outcome outcome) {
        if (outcome.failure() != null) {
            return outcome.failure();
        }
        HttpResponse<String> response = outcome.response();
        int status = response.statusCode();
        String body = response.body();
        if (CLASS_NAME.matcher(body).find()) {
            return status + " body names a Java class or stack frame: " + shorten(body);
        }
        JsonNode json = null;
        if (!body.isEmpty()) {
            try {
                json = JSON.readTree(body);
            } catch (java.io.IOException e) {
                return status + " body is not JSON: " + shorten(body);
            }
        } else if (!r.method().equals("HEAD") && status != 204) {
            return status + " with an empty body";
        }
        if (status < 500) {
            return null;
        }
        String path = URI.create("http://h" + r.path()).getPath();
        return documented5xx(path, status, response, json) ? null : status + " " + shorten(body);
    }

    /**
     * The 5xx answers the routes document: the upstream's failed or rejected call (its JSON error
     * and X-Circuit-State); a fault the downstream injected (X-Fault-Injected: only a signed
     * request or an operator's stored fault can cause one); and a state or fault table that did not
     * answer in time under this load ({@code 503}, admin and fault routes).
     */
    private static boolean documented5xx(String path, int status, HttpResponse<String> response, JsonNode json) {
        boolean jsonError = json == null || json.hasNonNull("error");
        if (BREAKER_ROUTES.contains(path)) {
            return (status == 502 || status == 503 || status == 504) && jsonError
                    && response.headers().firstValue("X-Circuit-State").isPresent();
        }
        if (path.equals("/downstream")) {
            return response.headers().firstValue("X-Fault-Injected").isPresent() && jsonError;
        }
        if (path.startsWith("/circuits/")) {
            return status == 503 && jsonError && json != null
                    && json.path("error").asText().equals("circuit state store unavailable");
        }
        if (path.equals("/faults")) {
            return status == 503 && json != null && json.path("error").asText().equals("fault store unavailable");
        }
        return false;
    }

    private static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
