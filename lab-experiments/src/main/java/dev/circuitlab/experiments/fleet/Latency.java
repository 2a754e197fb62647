package dev.circuitlab.experiments.fleet;

import java.util.random.RandomGenerator;

/**
 * A latency distribution: log-normal, given by its median and 99th percentile, the usual shape of
 * network and service latencies (a floor, a long right tail). Samples are whole microseconds.
 *
 * @param medianMs the 50th percentile
 * @param p99Ms    the 99th percentile; equal to the median for a fixed latency
 */
public record Latency(double medianMs, double p99Ms) {

    /** The 99th percentile of the standard normal distribution. */
    private static final double Z99 = 2.326348;

    public Latency {
        if (!(medianMs >= 0) || !(p99Ms >= medianMs) || Double.isInfinite(p99Ms)) {
            throw new IllegalArgumentException("latency needs 0 <= median <= p99, got median " + medianMs + " ms, p99 " + p99Ms + " ms");
        }
    }

    public static Latency fixed(double ms) {
        return new Latency(ms, ms);
    }

    /** Parses {@code MEDIAN,P99} in milliseconds, e.g. {@code 20,60}. */
    public static Latency parse(String spec, String name) {
        String[] parts = spec.split(",");
        try {
            if (parts.length == 1) {
                return fixed(Double.parseDouble(parts[0].trim()));
            }
            if (parts.length == 2) {
                return new Latency(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        throw new IllegalArgumentException(name + " needs MEDIAN_MS,P99_MS (e.g. 20,60), got '" + spec + "'");
    }

    /** One sample, in microseconds (at least 1). */
    public long sampleMicros(RandomGenerator random) {
        if (p99Ms == medianMs) {
            return Math.max(1, Math.round(medianMs * 1000));
        }
        double sigma = Math.log(p99Ms / medianMs) / Z99;
        return Math.max(1, Math.round(medianMs * 1000 * Math.exp(sigma * random.nextGaussian())));
    }

    @Override
    public String toString() {
        return p99Ms == medianMs ? medianMs + " ms" : "median " + medianMs + " ms, p99 " + p99Ms + " ms";
    }
}
