package dev.circuitlab.experiments.bench;

import dev.circuitlab.upstream.DownstreamClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The downstream as the bench needs it: healthy, failing (500), or holding calls until released; counts calls. */
final class FakeDownstream implements DownstreamClient {

    enum Mode { HEALTHY, FAILING, HOLD }

    private final AtomicInteger calls = new AtomicInteger();
    private volatile Mode mode = Mode.HEALTHY;
    private volatile CountDownLatch release = new CountDownLatch(0);

    void mode(Mode m) {
        if (m == Mode.HOLD) {
            release = new CountDownLatch(1);
        }
        mode = m;
    }

    void releaseHeld() {
        release.countDown();
    }

    int calls() {
        return calls.get();
    }

    void resetCalls() {
        calls.set(0);
    }

    @Override
    public DownstreamResponse fetch(Map<String, String> headers, Duration timeout) throws InterruptedException {
        calls.incrementAndGet();
        return switch (mode) {
            case HEALTHY -> ok();
            case FAILING -> new DownstreamResponse(500, "application/json", "{\"error\":\"injected\"}");
            case HOLD -> {
                release.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                yield ok();
            }
        };
    }

    private static DownstreamResponse ok() {
        return new DownstreamResponse(200, "application/json", "{\"item\":{\"id\":1},\"servedAt\":0}");
    }
}
