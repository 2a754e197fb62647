package dev.circuitlab.local.dashboard;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The values of one metric in one time span, summarised the way CloudWatch keeps them: exact count,
 * sum, minimum and maximum, plus up to {@value #MAX_KEPT} of the values themselves for percentiles
 * (a uniform reservoir sample once there are more, so a load test cannot exhaust memory).
 */
public final class Samples {

    static final int MAX_KEPT = 1000;

    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double[] kept = new double[8];
    private int keptSize;

    public void add(double value) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        keep(value, count);
    }

    /** Adds another span's samples to this one. */
    public void addAll(Samples other) {
        long before = count;
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        for (int i = 0; i < other.keptSize; i++) {
            // Each kept value of the other span stands for count/keptSize of its values.
            keep(other.kept[i], before + Math.round((i + 1) * (double) other.count / other.keptSize));
        }
    }

    private void keep(double value, long seen) {
        if (keptSize < MAX_KEPT) {
            if (keptSize == kept.length) {
                kept = Arrays.copyOf(kept, Math.min(MAX_KEPT, kept.length * 2));
            }
            kept[keptSize++] = value;
            return;
        }
        long slot = ThreadLocalRandom.current().nextLong(seen);
        if (slot < MAX_KEPT) {
            kept[(int) slot] = value;
        }
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** Nearest-rank percentile ({@code q} from 0 to 100) of the kept values. */
    public double percentile(double q) {
        if (keptSize == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(kept, keptSize);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
