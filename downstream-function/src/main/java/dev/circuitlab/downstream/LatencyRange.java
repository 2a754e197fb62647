package dev.circuitlab.downstream;

import java.util.random.RandomGenerator;

/**
 * A delay in milliseconds: fixed when {@code minMs == maxMs}, otherwise drawn uniformly from
 * {@code [minMs, maxMs]} on every request.
 */
public record LatencyRange(long minMs, long maxMs) {

    public LatencyRange {
        if (minMs < 0 || maxMs < minMs) {
            throw new IllegalArgumentException("invalid latency range " + minMs + ".." + maxMs + " ms");
        }
    }

    public static LatencyRange fixed(long ms) {
        return new LatencyRange(ms, ms);
    }

    public boolean isFixed() {
        return minMs == maxMs;
    }

    /** The delay for one request. */
    public long pickMs(RandomGenerator random) {
        return isFixed() ? minMs : random.nextLong(minMs, maxMs + 1);
    }

    @Override
    public String toString() {
        return isFixed() ? minMs + " ms" : minMs + "-" + maxMs + " ms";
    }
}
