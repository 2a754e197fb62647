package dev.circuitlab.upstream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Priming and warming up the function's downstream client: what they build, and what they must not touch. */
class HttpDownstreamClientTest {

    private final AtomicInteger clientsBuilt = new AtomicInteger();
    private final AtomicInteger credentialsResolved = new AtomicInteger();
    private final AwsCredentialsProvider credentials = () -> {
        credentialsResolved.incrementAndGet();
        return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
    };

    private HttpDownstreamClient client(URI baseUrl) {
        return new HttpDownstreamClient(() -> {
            clientsBuilt.incrementAndGet();
            return HttpDownstreamClient.newHttpClient(Duration.ofSeconds(2));
        }, URI.create(baseUrl + "/downstream"), new SigV4RequestSigner(credentials, "us-east-1"));
    }

    @Test
    void primingMakesAWholeCallToItsOwnLoopbackServerNeverToTheDownstreamNorWithTheFunctionsCredentials()
            throws Exception {
        try (FakeDownstream downstream = FakeDownstream.start()) {
            HttpDownstreamClient client = client(downstream.baseUrl());

            client.prime();
            client.prime();

            assertEquals(0, downstream.invocations(), "the downstream and its faults are not touched at deploy time");
            assertEquals(0, credentialsResolved.get(), "a SnapStart snapshot must not hold the function's credentials");
            assertEquals(1, clientsBuilt.get(), "the HTTP client is built once, then reused");

            DownstreamClient.DownstreamResponse response = client.fetch(Map.of(), Duration.ofSeconds(2));
            assertEquals(200, response.status());
            assertEquals(FakeDownstream.PAYLOAD, response.body());
            assertEquals(1, downstream.invocations());
            assertEquals(1, credentialsResolved.get(), "a real call signs with the function's credentials");
            assertEquals(1, clientsBuilt.get());
        }
    }

    @Test
    void warmingUpBuildsTheClientAndSendsNothing() throws Exception {
        try (FakeDownstream downstream = FakeDownstream.start()) {
            HttpDownstreamClient client = client(downstream.baseUrl());
            assertEquals(0, clientsBuilt.get(), "nothing is built before it is needed");

            client.warmUp();

            assertEquals(1, clientsBuilt.get());
            assertEquals(0, downstream.invocations());
            assertEquals(0, credentialsResolved.get());
        }
    }

    @Test
    void primingAClientWhoseCallsFailStillReturns() {
        HttpDownstreamClient broken = new HttpDownstreamClient(() -> {
            throw new IllegalStateException("no HTTP client here");
        }, URI.create("http://127.0.0.1:9/downstream"), null);

        assertDoesNotThrow(broken::prime, "priming is an optimization: the first real call reports the failure");
    }
}
