package dev.circuitlab.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.local.template.HttpApiDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket per route, on a hand-moved clock. */
class RouteThrottleTest {

    private final AtomicLong nanos = new AtomicLong();

    private RouteThrottle throttle(double rate, int burst) {
        return new RouteThrottle(new HttpApiDefinition.Throttle(rate, burst), nanos::get);
    }

    private void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Test
    void aBurstPassesThenTheRateRefills() {
        RouteThrottle t = throttle(10, 3);
        for (int i = 0; i < 3; i++) {
            assertTrue(t.tryAcquire("GET /upstream"), "request " + i + " of the burst");
        }
        assertFalse(t.tryAcquire("GET /upstream"));
        advanceMillis(99);
        assertFalse(t.tryAcquire("GET /upstream"), "0.99 of a token");
        advanceMillis(1);
        assertTrue(t.tryAcquire("GET /upstream"), "one token per 100 ms at 10 rps");
        assertFalse(t.tryAcquire("GET /upstream"));
    }

    @Test
    void tokensNeverExceedTheBurst() {
        RouteThrottle t = throttle(100, 2);
        advanceMillis(60_000);
        assertTrue(t.tryAcquire("k"));
        assertTrue(t.tryAcquire("k"));
        assertFalse(t.tryAcquire("k"));
    }

    @Test
    void eachRouteHasItsOwnBucket() {
        RouteThrottle t = throttle(1, 1);
        assertTrue(t.tryAcquire("GET /upstream"));
        assertFalse(t.tryAcquire("GET /upstream"));
        assertTrue(t.tryAcquire("GET /health"), "another route is not throttled by /upstream's traffic");
    }

    @Test
    void concurrentCallersTakeExactlyTheBurst() throws Exception {
        RouteThrottle t = throttle(0.001, 25);
        AtomicInteger passed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < 20; j++) {
                    if (t.tryAcquire("k")) {
                        passed.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertEquals(25, passed.get(), "160 attempts on a bucket of 25 that does not refill meanwhile");
    }
}
