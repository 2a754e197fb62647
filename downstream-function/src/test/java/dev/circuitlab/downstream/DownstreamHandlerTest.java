package dev.circuitlab.downstream;

import static dev.circuitlab.downstream.HttpApiEventBuilder.get;
import static dev.circuitlab.downstream.HttpApiEventBuilder.request;
import static dev.circuitlab.downstream.Responses.assertError;
import static dev.circuitlab.downstream.Responses.header;
import static dev.circuitlab.downstream.Responses.json;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.function.Json;
import dev.circuitlab.testing.CountingInterceptor;
import dev.circuitlab.testing.DynamoDbEndpoint;
import dev.circuitlab.testing.DynamoDbExtension;
import dev.circuitlab.testing.MutableClock;
import dev.circuitlab.testing.TestLambdaContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The handler end to end against a real DynamoDB-API server: payload, every fault mode, persistence, caching. */
@ExtendWith(DynamoDbExtension.class)
class DownstreamHandlerTest {

    static FaultTable faults;

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    /** Plenty of Lambda time left, unless a test is about the deadline. */
    static final Context CONTEXT = TestLambdaContext.withRemainingMillis(30_000);

    static DynamoDbEndpoint endpoint;
    static final CountingInterceptor CALLS = new CountingInterceptor();

    MutableClock clock;
    RecordingSleeper sleeper;

    @BeforeAll
    static void createTable(DynamoDbEndpoint dynamoDb) {
        faults = FaultTable.create(dynamoDb, CALLS);
        endpoint = dynamoDb;
    }

    @AfterAll
    static void closeTable() {
        faults.close();
    }

    @BeforeEach
    void freshState() {
        faults.store().clear();
        CALLS.reset();
        clock = new MutableClock(START);
        sleeper = new RecordingSleeper();
    }

    /** Faults enabled, no cache (every request reads the table), seeded dice, recorded sleeps. */
    DownstreamHandler handler() {
        return handler(DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(Duration.ZERO), new Random(42));
    }

    DownstreamHandler handler(DownstreamConfig config, RandomGenerator random) {
        return new DownstreamHandler(DownstreamComponents.of(faults.store(), config, clock, random, sleeper));
    }

    static APIGatewayV2HTTPResponse call(DownstreamHandler handler, APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, CONTEXT);
    }

    static APIGatewayV2HTTPEvent withFault(String... headerPairs) {
        HttpApiEventBuilder builder = request("GET", "/downstream");
        for (int i = 0; i < headerPairs.length; i += 2) {
            builder.header(headerPairs[i], headerPairs[i + 1]);
        }
        return builder.build();
    }

    static APIGatewayV2HTTPEvent putFaults(String body) {
        return request("PUT", "/faults").body(body).build();
    }

    static void assertPayload(APIGatewayV2HTTPResponse response) {
        assertEquals(200, response.getStatusCode(), response::getBody);
        JsonNode body = json(response);
        assertEquals("sku-1001", body.path("item").path("id").asText(), response::getBody);
    }

    static void assertInjected(APIGatewayV2HTTPResponse response, int status, String mode) {
        assertEquals(status, response.getStatusCode(), response::getBody);
        assertEquals(mode, header(response, "X-Fault-Injected"));
        if (status != 200) {
            assertEquals(mode, json(response).path("mode").asText(), response::getBody);
        }
    }

    @Nested
    class Payload {

        @Test
        void getDownstreamAnswersTheItemWithServedAtAndRequestId() {
            APIGatewayV2HTTPResponse response = call(handler(), get("/downstream"));

            assertPayload(response);
            JsonNode body = json(response);
            assertAll(
                    () -> assertEquals(START.toEpochMilli(), body.get("servedAt").asLong()),
                    () -> assertEquals(HttpApiEventBuilder.REQUEST_ID, body.get("requestId").asText()),
                    () -> assertEquals(1299, body.path("item").path("priceCents").asInt()),
                    () -> assertNull(header(response, "X-Fault-Injected")));
        }

        @Test
        void requestIdFallsBackToTheLambdaRequestIdWhenTheEventHasNone() {
            APIGatewayV2HTTPResponse response = call(handler(), request("GET", "/downstream").requestId(null).build());

            assertEquals(TestLambdaContext.DEFAULT_REQUEST_ID, json(response).get("requestId").asText());
        }

        @Test
        void servesWithoutALambdaContext() {
            assertPayload(handler().handleRequest(get("/downstream"), null));
        }

        @Test
        void aHealthyRequestCostsOneReadAndNoWriteWithoutTheCache() {
            call(handler(), get("/downstream"));

            assertEquals(1, CALLS.count("GetItem"), CALLS::toString);
            assertEquals(0, CALLS.writes(), CALLS::toString);
        }
    }

    @Nested
    class PerRequestFaults {

        @Test
        void errorModeAnswers500ByDefault() {
            APIGatewayV2HTTPResponse response = call(handler(), withFault("x-fault-mode", "error"));

            assertInjected(response, 500, "error");
            Responses.assertNoLeaks(response);
        }

        @Test
        void errorModeAnswersTheConfiguredStatusCode() {
            assertInjected(call(handler(), withFault("x-fault-mode", "error", "x-fault-status-code", "502")), 502, "error");
            assertInjected(call(handler(), withFault("x-fault-mode", "error", "x-fault-status-code", "599")), 599, "error");
        }

        @Test
        void latencyModeSleepsTheFixedDelayThenServesThePayload() {
            APIGatewayV2HTTPResponse response = call(handler(),
                    withFault("x-fault-mode", "latency", "x-fault-latency-ms", "250"));

            assertPayload(response);
            assertEquals("latency", header(response, "X-Fault-Injected"));
            assertEquals("250", header(response, "X-Fault-Latency-Ms"));
            assertEquals(List.of(250L), sleeper.sleptMillis());
        }

        @Test
        void latencyModeReallySleepsWithTheThreadSleeper() {
            DownstreamHandler realSleeps = new DownstreamHandler(DownstreamComponents.of(faults.store(),
                    DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(Duration.ZERO), clock, new Random(1),
                    Sleeper.THREAD));
            long started = System.nanoTime();

            APIGatewayV2HTTPResponse response = call(realSleeps,
                    withFault("x-fault-mode", "latency", "x-fault-latency-ms", "60"));

            long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertPayload(response);
            assertTrue(elapsedMs >= 60, "slept only " + elapsedMs + " ms");
        }

        @Test
        void latencyRangeDrawsEachDelayWithinTheRange() {
            DownstreamHandler handler = handler();
            for (int i = 0; i < 30; i++) {
                assertPayload(call(handler, withFault("x-fault-mode", "latency", "x-fault-latency-ms", "100-300")));
            }

            List<Long> delays = sleeper.sleptMillis();
            assertEquals(30, delays.size());
            assertTrue(delays.stream().allMatch(ms -> ms >= 100 && ms <= 300), delays::toString);
            assertTrue(new HashSet<>(delays).size() > 5, () -> "delays should vary: " + delays);
        }

        @Test
        void latencyNeverSleepsPastTheLambdaDeadline() {
            APIGatewayV2HTTPResponse response = handler().handleRequest(
                    withFault("x-fault-mode", "latency", "x-fault-latency-ms", "5000"), TestLambdaContext.withRemainingMillis(1_000));

            assertPayload(response);
            assertEquals(List.of(800L), sleeper.sleptMillis(), "remaining 1000 ms minus the 200 ms margin");
            assertEquals("800", header(response, "X-Fault-Latency-Ms"));
        }

        @Test
        void timeoutHoldsTheRequestUntilJustBeforeTheLambdaDeadline() {
            APIGatewayV2HTTPResponse response = handler().handleRequest(
                    withFault("x-fault-mode", "timeout"), TestLambdaContext.withRemainingMillis(1_500));

            assertInjected(response, 504, "timeout");
            assertEquals(List.of(1_300L), sleeper.sleptMillis());
            assertTrue(json(response).get("error").asText().contains("1300 ms"), response::getBody);
        }

        @Test
        void timeoutIsCappedByLatencyMs() {
            APIGatewayV2HTTPResponse response = handler().handleRequest(
                    withFault("x-fault-mode", "timeout", "x-fault-latency-ms", "300"), TestLambdaContext.withRemainingMillis(10_000));

            assertInjected(response, 504, "timeout");
            assertEquals(List.of(300L), sleeper.sleptMillis());
        }

        @Test
        void timeoutWithLessTimeLeftThanTheMarginAnswersAtOnce() {
            APIGatewayV2HTTPResponse response = handler().handleRequest(
                    withFault("x-fault-mode", "timeout"), TestLambdaContext.withRemainingMillis(150));

            assertInjected(response, 504, "timeout");
            assertEquals(List.of(), sleeper.sleptMillis());
        }

        @Test
        void timeoutWithoutALambdaContextIsBoundedByTheMaxFaultLatency() {
            DownstreamHandler handler = handler(DownstreamConfig.of(faults.name(), true)
                    .withFaultCacheTtl(Duration.ZERO).withMaxFaultLatency(Duration.ofMillis(2_000)), new Random(1));

            assertInjected(handler.handleRequest(withFault("x-fault-mode", "timeout"), null), 504, "timeout");
            assertEquals(List.of(2_000L), sleeper.sleptMillis());
        }

        @Test
        void timeoutRestoresTheInterruptFlagWhenTheSleepIsInterrupted() {
            DownstreamHandler handler = new DownstreamHandler(DownstreamComponents.of(faults.store(),
                    DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(Duration.ZERO), clock, new Random(1),
                    duration -> {
                        throw new InterruptedException("runtime shutting down");
                    }));
            try {
                assertInjected(call(handler, withFault("x-fault-mode", "timeout")), 504, "timeout");
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted(); // clear it for the next test
            }
        }

        @Test
        void throttleAnswers429WithRetryAfter() {
            APIGatewayV2HTTPResponse response = call(handler(), withFault("x-fault-mode", "throttle"));

            assertInjected(response, 429, "throttle");
            assertEquals("1", header(response, "Retry-After"));
        }

        @Test
        void unavailableAnswers503() {
            assertInjected(call(handler(), withFault("x-fault-mode", "unavailable")), 503, "unavailable");
        }

        @Test
        void probabilityZeroNeverInjects() {
            DownstreamHandler handler = handler();
            for (int i = 0; i < 50; i++) {
                assertPayload(call(handler, withFault("x-fault-mode", "error", "x-fault-probability", "0")));
            }
        }

        @Test
        void probabilityOneAlwaysInjects() {
            DownstreamHandler handler = handler();
            for (int i = 0; i < 50; i++) {
                assertInjected(call(handler, withFault("x-fault-mode", "error", "x-fault-probability", "1")), 500, "error");
            }
        }

        @Test
        void aSeededFlakyFaultFailsAboutHalfTheRequestsReproducibly() {
            List<Integer> first = flakyRun(new Random(7));
            List<Integer> second = flakyRun(new Random(7));

            assertEquals(first, second, "same seed, same failures");
            long failures = first.stream().filter(status -> status == 500).count();
            assertTrue(failures >= 30 && failures <= 70, "failures out of 100: " + failures);
            assertTrue(first.stream().allMatch(status -> status == 200 || status == 500), first::toString);
        }

        private List<Integer> flakyRun(RandomGenerator random) {
            DownstreamHandler handler = handler(DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(Duration.ZERO), random);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                statuses.add(call(handler, withFault("x-fault-mode", "error", "x-fault-probability", "0.5")).getStatusCode());
            }
            return statuses;
        }

        @Test
        void headerNamesAndModeAreMatchedIgnoringCase() {
            assertInjected(call(handler(), withFault("X-FAULT-MODE", "Throttle")), 429, "throttle");
            assertInjected(call(handler(), withFault("X-Fault-Mode", "ERROR", "X-Fault-Status-Code", "501")), 501, "error");
        }

        @Test
        void faultHeadersWithoutAModeDoNothing() {
            assertPayload(call(handler(), withFault("x-fault-status-code", "503", "x-fault-probability", "1")));
        }

        @Test
        void headersOverrideThePersistentFaultWithoutReadingIt() {
            faults.store().write(new FaultConfig(FaultMode.UNAVAILABLE, 1.0, null, 503, START.plusSeconds(300)));
            CALLS.reset();

            assertInjected(call(handler(), withFault("x-fault-mode", "throttle")), 429, "throttle");
            assertEquals(0, CALLS.reads(), CALLS::toString);
        }

        @Test
        void withoutTheIamAuthorizerFaultHeadersAreIgnoredAndThePersistentFaultStillApplies() {
            DownstreamHandler handler = handler();
            APIGatewayV2HTTPEvent anonymous = request("GET", "/downstream").withoutIamAuthorizer()
                    .header("x-fault-mode", "error").header("x-fault-latency-ms", "garbage").build();

            APIGatewayV2HTTPResponse response = call(handler, anonymous);

            assertPayload(response);
            assertNull(header(response, "X-Fault-Injected"));

            faults.store().write(new FaultConfig(FaultMode.UNAVAILABLE, 1.0, null, 503, START.plusSeconds(300)));
            assertInjected(call(handler(), request("GET", "/downstream").withoutIamAuthorizer()
                    .header("x-fault-mode", "none").build()), 503, "unavailable");
        }

        @Test
        void headerModeNoneSwitchesThePersistentFaultOffForOneRequest() {
            faults.store().write(new FaultConfig(FaultMode.UNAVAILABLE, 1.0, null, 503, START.plusSeconds(300)));
            DownstreamHandler handler = handler();

            assertPayload(call(handler, withFault("x-fault-mode", "none")));
            assertInjected(call(handler, get("/downstream")), 503, "unavailable");
        }
    }

    @Nested
    class PersistentFaults {

        @Test
        void putGetDeleteRoundTrip() {
            DownstreamHandler handler = handler();

            APIGatewayV2HTTPResponse put = call(handler, putFaults("{\"mode\":\"error\",\"statusCode\":503,\"probability\":0.25}"));
            assertEquals(200, put.getStatusCode(), put::getBody);
            JsonNode stored = json(put);
            assertAll(
                    () -> assertEquals("error", stored.get("mode").asText()),
                    () -> assertEquals(503, stored.get("statusCode").asInt()),
                    () -> assertEquals(0.25, stored.get("probability").asDouble()),
                    () -> assertEquals(START.getEpochSecond() + 300, stored.get("expiresAt").asLong()),
                    () -> assertEquals("2026-01-01T00:05:00Z", stored.get("expiresAtIso").asText()));

            APIGatewayV2HTTPResponse read = call(handler, get("/faults"));
            assertEquals(200, read.getStatusCode());
            assertEquals(stored, json(read));

            APIGatewayV2HTTPResponse delete = call(handler, request("DELETE", "/faults").build());
            assertEquals(200, delete.getStatusCode());
            assertEquals("none", json(delete).get("mode").asText());

            assertEquals(Json.MAPPER.createObjectNode().put("mode", "none"), json(call(handler, get("/faults"))));
        }

        @Test
        void getFaultsAnswersModeNoneWhenNothingIsStored() {
            assertEquals("{\"mode\":\"none\"}", call(handler(), get("/faults")).getBody());
        }

        @Test
        void putDefaultsProbabilityStatusCodeAndExpiry() {
            JsonNode stored = json(call(handler(), putFaults("{\"mode\":\"error\"}")));

            assertEquals(1.0, stored.get("probability").asDouble());
            assertEquals(500, stored.get("statusCode").asInt());
            assertEquals(START.getEpochSecond() + FaultConfigParser.DEFAULT_EXPIRES_IN_SECONDS,
                    stored.get("expiresAt").asLong());
        }

        @Test
        void aStoredFaultAppliesToEveryDownstreamRequestUntilDeleted() {
            DownstreamHandler handler = handler();
            call(handler, putFaults("{\"mode\":\"throttle\"}"));

            for (int i = 0; i < 3; i++) {
                assertInjected(call(handler, get("/downstream")), 429, "throttle");
            }
            call(handler, request("DELETE", "/faults").build());
            assertPayload(call(handler, get("/downstream")));
        }

        @Test
        void aStoredLatencyRangeRoundTripsAndApplies() {
            DownstreamHandler handler = handler();
            JsonNode stored = json(call(handler, putFaults("{\"mode\":\"latency\",\"latencyMinMs\":10,\"latencyMaxMs\":20}")));

            assertEquals(10, stored.get("latencyMinMs").asLong());
            assertEquals(20, stored.get("latencyMaxMs").asLong());
            assertFalse(stored.has("statusCode"), "statusCode means nothing for latency");
            assertEquals(stored, json(call(handler, get("/faults"))));

            assertPayload(call(handler, get("/downstream")));
            long slept = sleeper.sleptMillis().get(0);
            assertTrue(slept >= 10 && slept <= 20, "slept " + slept);
        }

        @Test
        void aStoredTimeoutWithACapRoundTrips() {
            DownstreamHandler handler = handler();
            JsonNode stored = json(call(handler, putFaults("{\"mode\":\"timeout\",\"latencyMs\":400}")));

            assertEquals(400, stored.get("latencyMs").asLong());
            assertInjected(call(handler, get("/downstream")), 504, "timeout");
            assertEquals(List.of(400L), sleeper.sleptMillis());
        }

        @Test
        void putReplacesThePreviousFault() {
            DownstreamHandler handler = handler();
            call(handler, putFaults("{\"mode\":\"throttle\"}"));
            call(handler, putFaults("{\"mode\":\"unavailable\"}"));

            assertEquals("unavailable", json(call(handler, get("/faults"))).get("mode").asText());
            assertInjected(call(handler, get("/downstream")), 503, "unavailable");
        }

        @Test
        void putModeNoneStoresNoFault() {
            DownstreamHandler handler = handler();
            call(handler, putFaults("{\"mode\":\"none\",\"expiresInSeconds\":60}"));

            assertEquals("none", json(call(handler, get("/faults"))).get("mode").asText());
            assertPayload(call(handler, get("/downstream")));
        }

        @Test
        void deleteWithoutAStoredFaultSucceeds() {
            assertEquals(200, call(handler(), request("DELETE", "/faults").build()).getStatusCode());
        }

        @Test
        void aFaultStopsApplyingWhenItExpiresCheckedOnRead() {
            DownstreamHandler handler = handler();
            JsonNode stored = json(call(handler, putFaults("{\"mode\":\"unavailable\",\"expiresInSeconds\":60}")));
            assertEquals(START.getEpochSecond() + 60, stored.get("expiresAt").asLong());

            clock.advance(Duration.ofSeconds(59));
            assertInjected(call(handler, get("/downstream")), 503, "unavailable");
            assertEquals("unavailable", json(call(handler, get("/faults"))).get("mode").asText());

            clock.advance(Duration.ofSeconds(1)); // exactly at expiresAt: expired
            assertPayload(call(handler, get("/downstream")));
            assertEquals("{\"mode\":\"none\"}", call(handler, get("/faults")).getBody());
            assertTrue(faults.store().read().isPresent(), "the item is still there (no TTL locally): expiry is a read-side check");
        }
    }

    @Nested
    class PersistentFaultCache {

        DownstreamHandler cachingHandler(Duration ttl) {
            return handler(DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(ttl), new Random(3));
        }

        @Test
        void thePersistentFaultIsReadAtMostOncePerTtl() {
            DownstreamHandler handler = cachingHandler(Duration.ofSeconds(1));
            for (int i = 0; i < 5; i++) {
                call(handler, get("/downstream"));
            }
            assertEquals(1, CALLS.count("GetItem"));

            clock.advance(Duration.ofMillis(999));
            call(handler, get("/downstream"));
            assertEquals(1, CALLS.count("GetItem"));

            clock.advance(Duration.ofMillis(1));
            call(handler, get("/downstream"));
            assertEquals(2, CALLS.count("GetItem"));
        }

        @Test
        void aZeroTtlReadsOnEveryRequest() {
            DownstreamHandler handler = cachingHandler(Duration.ZERO);
            for (int i = 0; i < 3; i++) {
                call(handler, get("/downstream"));
            }
            assertEquals(3, CALLS.count("GetItem"));
        }

        @Test
        void aPutOnThisInstanceAppliesAtOnce() {
            DownstreamHandler handler = cachingHandler(Duration.ofSeconds(1));
            assertPayload(call(handler, get("/downstream")));

            call(handler, putFaults("{\"mode\":\"unavailable\"}"));
            assertInjected(call(handler, get("/downstream")), 503, "unavailable");

            call(handler, request("DELETE", "/faults").build());
            assertPayload(call(handler, get("/downstream")));
        }

        @Test
        void anotherInstanceSeesAPutWithinOneTtl() {
            DownstreamHandler warm = cachingHandler(Duration.ofSeconds(1));
            DownstreamHandler admin = cachingHandler(Duration.ofSeconds(1));
            assertPayload(call(warm, get("/downstream")));

            call(admin, putFaults("{\"mode\":\"unavailable\"}"));
            assertPayload(call(warm, get("/downstream")));

            clock.advance(Duration.ofSeconds(1));
            assertInjected(call(warm, get("/downstream")), 503, "unavailable");
        }

        @Test
        void aCachedFaultStillExpiresOnTime() {
            DownstreamHandler handler = cachingHandler(Duration.ofSeconds(10));
            call(handler, putFaults("{\"mode\":\"unavailable\",\"expiresInSeconds\":5}"));
            assertInjected(call(handler, get("/downstream")), 503, "unavailable");
            int reads = CALLS.count("GetItem");

            clock.advance(Duration.ofSeconds(5));
            assertPayload(call(handler, get("/downstream")));
            assertEquals(reads, CALLS.count("GetItem"), "expiry needs no new read");
        }
    }

    @Nested
    class FaultInjectionDisabled {

        DownstreamHandler disabled() {
            return handler(DownstreamConfig.of(faults.name(), false).withFaultCacheTtl(Duration.ZERO), new Random(5));
        }

        @Test
        void faultsAnswers403ForEveryMethod() {
            DownstreamHandler handler = disabled();
            for (String method : List.of("GET", "PUT", "DELETE", "POST")) {
                APIGatewayV2HTTPResponse response = call(handler, request(method, "/faults").body("{\"mode\":\"error\"}").build());
                assertError(response, 403);
                assertEquals("{\"error\":\"fault injection is disabled for this stack\"}", response.getBody());
            }
            assertEquals(0, CALLS.total(), CALLS::toString);
        }

        @Test
        void faultHeadersAreIgnored() {
            APIGatewayV2HTTPResponse response = call(disabled(), withFault("x-fault-mode", "error"));

            assertPayload(response);
            assertNull(header(response, "X-Fault-Injected"));
        }

        @Test
        void invalidFaultHeadersAreIgnoredToo() {
            assertPayload(call(disabled(), withFault("x-fault-mode", "explode", "x-fault-probability", "7")));
        }

        @Test
        void aStoredFaultIsIgnoredAndTheTableIsNeverRead() {
            faults.store().write(new FaultConfig(FaultMode.UNAVAILABLE, 1.0, null, 503, START.plusSeconds(300)));
            CALLS.reset();

            assertPayload(call(disabled(), get("/downstream")));
            assertEquals(0, CALLS.total(), CALLS::toString);
        }
    }

    @Nested
    class Routing {

        @Test
        void anUnknownPathAnswers404() {
            assertError(call(handler(), get("/nope")), 404, "no route for GET /nope");
        }

        @Test
        void aWrongMethodOnDownstreamAnswers405WithAllow() {
            APIGatewayV2HTTPResponse response = call(handler(), request("POST", "/downstream").body("{}").build());

            assertError(response, 405, "POST", "/downstream");
            assertEquals("GET", header(response, "Allow"));
        }

        @Test
        void aWrongMethodOnFaultsAnswers405WithAllow() {
            APIGatewayV2HTTPResponse response = call(handler(), request("PATCH", "/faults").build());

            assertError(response, 405, "PATCH", "/faults");
            assertEquals("GET, PUT, DELETE", header(response, "Allow"));
        }

        @Test
        void anEventThatIsNotAnHttpApiEventAnswers400() {
            assertError(call(handler(), new APIGatewayV2HTTPEvent()), 400, "HTTP API", "rawPath");
            assertError(call(handler(), null), 400, "HTTP API");
        }

        @Test
        void aNamedStagePrefixIsStripped() {
            assertPayload(call(handler(), request("GET", "/downstream").stage("prod").build()));
        }

        @Test
        void theMethodIsMatchedIgnoringCase() {
            assertPayload(call(handler(), request("get", "/downstream").build()));
        }
    }

    @Nested
    class SnapStart {

        @Test
        void beforeCheckpointPrimesTheClientWithOneRead() throws Exception {
            handler().snapStartPriming().beforeCheckpoint(null);

            assertEquals(1, CALLS.count("GetItem"), CALLS::toString);
            assertEquals(0, CALLS.writes());
        }

        @Test
        void beforeCheckpointSkipsPrimingWhenFaultInjectionIsDisabled() throws Exception {
            handler(DownstreamConfig.of(faults.name(), false), new Random(1)).snapStartPriming().beforeCheckpoint(null);

            assertEquals(0, CALLS.total());
        }

        @Test
        void beforeCheckpointSurvivesAnUnreachableStore() throws Exception {
            try (DynamoDbClient unreachable = FaultStoreUnavailableTest.unreachableClient()) {
                DownstreamHandler handler = new DownstreamHandler(DownstreamComponents.of(
                        new FaultStore(unreachable, faults.name()), DownstreamConfig.of(faults.name(), true), clock,
                        new Random(1), sleeper));

                handler.snapStartPriming().beforeCheckpoint(null); // logs, does not throw
            }
        }

        @Test
        void afterRestoreForgetsTheCachedFault() throws Exception {
            DownstreamHandler handler = handler(DownstreamConfig.of(faults.name(), true).withFaultCacheTtl(Duration.ofHours(1)),
                    new Random(1));
            assertPayload(call(handler, get("/downstream")));
            faults.store().write(new FaultConfig(FaultMode.UNAVAILABLE, 1.0, null, 503, START.plusSeconds(300)));
            assertPayload(call(handler, get("/downstream")));

            handler.snapStartPriming().afterRestore(null);

            assertInjected(call(handler, get("/downstream")), 503, "unavailable");
        }
    }

    @Nested
    class FromEnvironment {

        @Test
        void readsItsConfigurationAndTalksToTheConfiguredEndpoint() {
            DownstreamHandler handler = DownstreamHandler.fromEnvironment(Map.of(
                    "FAULT_TABLE_NAME", faults.name(),
                    "FAULT_INJECTION_ENABLED", "true",
                    "DYNAMODB_ENDPOINT", endpoint.uri().toString(),
                    "FAULT_CACHE_TTL_MS", "0"));

            APIGatewayV2HTTPResponse put = call(handler, putFaults("{\"mode\":\"throttle\",\"expiresInSeconds\":30}"));
            assertEquals(200, put.getStatusCode(), put::getBody);
            assertInjected(call(handler, get("/downstream")), 429, "throttle");
            assertEquals(FaultMode.THROTTLE, faults.store().read().orElseThrow().mode());
        }

        @Test
        void aMissingTableNameFailsInitWithAMessageNamingTheVariable() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DownstreamHandler.fromEnvironment(Map.of("FAULT_INJECTION_ENABLED", "true")));
            assertTrue(e.getMessage().contains("FAULT_TABLE_NAME"), e.getMessage());
        }

        @Test
        void faultInjectionIsOffByDefault() {
            DownstreamHandler handler = DownstreamHandler.fromEnvironment(Map.of(
                    "FAULT_TABLE_NAME", faults.name(), "DYNAMODB_ENDPOINT", endpoint.uri().toString()));

            assertError(call(handler, get("/faults")), 403, "disabled");
        }
    }
}
