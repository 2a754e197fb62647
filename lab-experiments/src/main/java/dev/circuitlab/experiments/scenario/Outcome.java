package dev.circuitlab.experiments.scenario;

/** What the load generator saw for one request. */
public enum Outcome {
    /** 2xx (or 3xx). */
    OK("ok"),
    /** 503 answered quickly: the breaker rejected the call. */
    FAST_503("fast503"),
    /** 429: the function's concurrency limit was reached. */
    THROTTLED("throttled"),
    /** 504 from the function or the runtime, or no answer within the client timeout. */
    TIMED_OUT("timedOut"),
    /** Anything else: 502, a slow 503, 4xx, a connection error. */
    ERROR("error"),
    /** Not sent: the generator's in-flight cap was reached (the load stays bounded). */
    DROPPED("dropped");

    private final String key;

    Outcome(String key) {
        this.key = key;
    }

    /** Column-name form. */
    public String key() {
        return key;
    }

    /**
     * @param status          HTTP status, or -1 when there was no response
     * @param clientTimedOut  the client gave up waiting
     * @param fastThresholdMs a 503 at or below this latency is a fast rejection
     */
    public static Outcome classify(int status, double latencyMs, boolean clientTimedOut, double fastThresholdMs) {
        if (clientTimedOut || status == 504) {
            return TIMED_OUT;
        }
        if (status >= 200 && status < 400) {
            return OK;
        }
        if (status == 503 && latencyMs <= fastThresholdMs) {
            return FAST_503;
        }
        if (status == 429) {
            return THROTTLED;
        }
        return ERROR;
    }
}
