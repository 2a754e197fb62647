package dev.circuitlab.experiments.scenario;

import java.util.Arrays;
import java.util.Collection;

/**
 * Nearest-rank percentiles: the smallest value such that at least {@code q} of the values are at or
 * below it. No interpolation, so every reported figure is a latency that really happened.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /** @param sorted ascending; empty gives NaN */
    public static double ofSorted(double[] sorted, double q) {
        if (q < 0 || q > 1 || Double.isNaN(q)) {
            throw new IllegalArgumentException("quantile must be within [0, 1], got " + q);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static double of(double[] values, double q) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return ofSorted(copy, q);
    }

    public static double of(Collection<? extends Number> values, double q) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray(), q);
    }

    /** count, p50, p90, p99 and max of some values (NaN percentiles when there are none). */
    public static Summary summarize(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Summary(sorted.length, ofSorted(sorted, 0.50), ofSorted(sorted, 0.90), ofSorted(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
    }

    public record Summary(int count, double p50, double p90, double p99, double max) {
    }
}
