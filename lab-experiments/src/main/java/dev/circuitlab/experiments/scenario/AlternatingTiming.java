package dev.circuitlab.experiments.scenario;

import java.io.IOException;

/**
 * Two variants of one request (breaker on and off), warmed by the same number of requests and then
 * timed in pairs, so that neither profits from the JIT work done for the other.
 */
public final class AlternatingTiming {

    /** One request of a variant; returns its latency in ms and throws if its answer is wrong. */
    public interface TimedRequest {
        double run() throws IOException, InterruptedException;
    }

    /** Latencies in ms of the timed requests of each variant. */
    public record Result(Percentiles.Summary first, Percentiles.Summary second) {
    }

    private AlternatingTiming() {
    }

    /**
     * @param warmup    untimed requests of each variant first
     * @param timed     timed requests of each variant
     * @param swapOrder whether every other pair sends the second variant first
     */
    public static Result time(int warmup, int timed, boolean swapOrder, TimedRequest first, TimedRequest second)
            throws IOException, InterruptedException {
        for (int i = 0; i < warmup; i++) {
            first.run();
            second.run();
        }
        double[] a = new double[timed];
        double[] b = new double[timed];
        for (int i = 0; i < timed; i++) {
            if (swapOrder && i % 2 == 1) {
                b[i] = second.run();
                a[i] = first.run();
            } else {
                a[i] = first.run();
                b[i] = second.run();
            }
        }
        return new Result(Percentiles.summarize(a), Percentiles.summarize(b));
    }
}
