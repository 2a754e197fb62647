package dev.circuitlab.upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The protected call: {@code GET <DOWNSTREAM_URL>/downstream}. A seam so tests can stand in for
 * the HTTP client, and the one place that knows how the downstream is reached.
 */
public interface DownstreamClient {

    /**
     * Calls the downstream once.
     *
     * @param headers extra request headers (the forwarded {@code X-Fault-*} headers)
     * @param timeout the whole call, from sending to the last byte of the body
     * @return the response, whatever its status
     * @throws java.net.http.HttpTimeoutException if the call took longer than {@code timeout}
     * @throws IOException                       if the connection could not be made or broke
     */
    DownstreamResponse fetch(Map<String, String> headers, Duration timeout) throws IOException, InterruptedException;

    /**
     * Loads and initializes the classes of a call, for a SnapStart snapshot, so the first request
     * after a restore does not pay for them. It must not reach the downstream (its faults, at deploy
     * time) nor resolve the function's credentials (the snapshot must not hold them).
     */
    default void prime() {
    }

    /**
     * The cheap part of {@link #prime}, for a cold start's warm-up thread: whatever the first call
     * would build or load anyway, and nothing it would not.
     */
    default void warmUp() {
    }

    /**
     * @param status      HTTP status
     * @param contentType the downstream's Content-Type, or null
     * @param body        the body as text (the downstream speaks JSON)
     */
    record DownstreamResponse(int status, String contentType, String body) {
    }
}
