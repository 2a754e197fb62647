package dev.circuitlab.experiments.fleet;

/**
 * Counts of durations in microseconds, for percentiles without keeping every value: exact up to
 * 2 ms, then buckets about 0.1 % wide. Memory is fixed whatever the number of values.
 */
public final class LatencyHistogram {

    private static final int EXACT = 2048;
    private static final int SUB_BITS = 10;
    private static final int SUB = 1 << SUB_BITS;
    /** Exponents 11..40 (up to about 12 days) above the exact range. */
    private final long[] counts = new long[EXACT + 30 * SUB];
    private long total;

    public void record(long micros) {
        counts[index(Math.max(0, micros))]++;
        total++;
    }

    public long count() {
        return total;
    }

    /** Nearest-rank percentile ({@code q} in [0, 1]) in microseconds: the lower edge of its bucket; NaN if empty. */
    public double percentileMicros(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return lowerEdge(i);
            }
        }
        return lowerEdge(counts.length - 1);
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v); // >= 11
        int sub = (int) ((v >> (exponent - SUB_BITS)) & (SUB - 1));
        return Math.min(EXACT + (exponent - 11) * SUB + sub, EXACT + 30 * SUB - 1);
    }

    static long lowerEdge(int index) {
        if (index < EXACT) {
            return index;
        }
        int exponent = (index - EXACT) / SUB + 11;
        int sub = (index - EXACT) % SUB;
        return (1L << exponent) + ((long) sub << (exponent - SUB_BITS));
    }
}
