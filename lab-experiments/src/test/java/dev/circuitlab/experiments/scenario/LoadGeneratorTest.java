package dev.circuitlab.experiments.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LoadGeneratorTest {

    @Test
    void theScheduleIsSeededPoissonAndSorted() {
        List<LoadGenerator.Arrival> a = LoadGenerator.schedule(42, 20, 5, 60_000);
        assertEquals(a, LoadGenerator.schedule(42, 20, 5, 60_000), "same seed, same schedule");
        assertTrue(!a.equals(LoadGenerator.schedule(43, 20, 5, 60_000)));
        long up = a.stream().filter(x -> x.route() == Route.UPSTREAM).count();
        long health = a.stream().filter(x -> x.route() == Route.HEALTH).count();
        assertTrue(up > 1000 && up < 1400, "about 20/s over 60 s: " + up);
        assertTrue(health > 220 && health < 380, "about 5/s over 60 s: " + health);
        for (int i = 1; i < a.size(); i++) {
            assertTrue(a.get(i - 1).offsetNanos() <= a.get(i).offsetNanos());
        }
        assertTrue(a.get(a.size() - 1).offsetNanos() < 60_000_000_000L);
        // The health stream does not depend on the upstream rate.
        assertEquals(LoadGenerator.schedule(42, 0, 5, 60_000),
                LoadGenerator.schedule(42, 50, 5, 60_000).stream().filter(x -> x.route() == Route.HEALTH).toList());
    }

    @Test
    void onlyLoopback() {
        HttpClient c = LoadGenerator.newClient();
        assertThrows(IllegalArgumentException.class,
                () -> new LoadGenerator(c, URI.create("http://10.0.0.1:3000"), 10, Duration.ofSeconds(1), 100));
        assertThrows(IllegalArgumentException.class,
                () -> new LoadGenerator(c, URI.create("http://example.com"), 10, Duration.ofSeconds(1), 100));
        new LoadGenerator(c, URI.create("http://127.0.0.1:3000"), 10, Duration.ofSeconds(1), 100);
    }

    @Test
    @Timeout(20)
    void openLoopWithAnInFlightCapAndAClientTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/upstream", ex -> {
            try {
                release.await(5, TimeUnit.SECONDS); // holds every request: the client must not wait for them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.createContext("/health", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try (HttpClient client = LoadGenerator.newClient()) {
            LoadGenerator g = new LoadGenerator(client, URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                    5, Duration.ofMillis(700), 100);
            List<LoadGenerator.Arrival> schedule = List.of(
                    new LoadGenerator.Arrival(0, Route.HEALTH),
                    new LoadGenerator.Arrival(10_000_000L, Route.UPSTREAM),
                    new LoadGenerator.Arrival(20_000_000L, Route.UPSTREAM),
                    new LoadGenerator.Arrival(30_000_000L, Route.UPSTREAM),
                    new LoadGenerator.Arrival(40_000_000L, Route.UPSTREAM),
                    new LoadGenerator.Arrival(50_000_000L, Route.UPSTREAM),
                    new LoadGenerator.Arrival(60_000_000L, Route.UPSTREAM));
            long t0 = System.nanoTime();
            LoadGenerator.Result r = g.run(schedule, t0, true);
            assertTrue(r.drained());
            assertEquals(7, r.records().size());
            assertEquals(Outcome.OK, r.records().get(0).outcome());
            long timedOut = r.records().stream().filter(x -> x.outcome() == Outcome.TIMED_OUT).count();
            long dropped = r.records().stream().filter(x -> x.outcome() == Outcome.DROPPED).count();
            assertTrue(dropped >= 1, "at most 5 in flight: the 6th held request is dropped, not queued");
            assertEquals(6, timedOut + dropped);
            r.records().stream().filter(x -> x.outcome() == Outcome.TIMED_OUT)
                    // The client gives up at 700 ms; timer granularity can end it a fraction of a millisecond early.
                    .forEach(x -> assertTrue(x.latencyMs() >= 690, "client timeout: " + x.latencyMs()));
        } finally {
            release.countDown();
            server.stop(0);
        }
    }
}
