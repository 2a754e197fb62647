package dev.circuitlab.experiments.fleet;

/**
 * The counters of one run: per simulated second (for the report's charts) and in total. Bounded
 * memory: one value per metric per second, whatever the request rate.
 */
public final class RunMeters {

    private static final Metric[] METRICS = Metric.values();

    private final int seconds;
    private final double[][] perSecond;
    private final double[] totals;

    /** @param seconds length of the run; anything later counts in the totals only */
    public RunMeters(int seconds) {
        this.seconds = seconds;
        this.perSecond = new double[METRICS.length][seconds];
        this.totals = new double[METRICS.length];
    }

    public int seconds() {
        return seconds;
    }

    private static int second(long micros) {
        return (int) Math.min(Integer.MAX_VALUE, Math.floorDiv(micros, 1_000_000L));
    }

    /** Adds {@code value} at {@code micros} (a {@link Metric.Kind#SUM} metric). */
    public void add(Metric m, long micros, double value) {
        totals[m.ordinal()] += value;
        int s = second(micros);
        if (s >= 0 && s < seconds) {
            perSecond[m.ordinal()][s] += value;
        }
    }

    /** Raises the second's (and the run's) highest value of a {@link Metric.Kind#MAX} metric. */
    public void max(Metric m, long micros, double value) {
        int i = m.ordinal();
        if (value > totals[i]) {
            totals[i] = value;
        }
        int s = second(micros);
        if (s >= 0 && s < seconds && value > perSecond[i][s]) {
            perSecond[i][s] = value;
        }
    }

    public double total(Metric m) {
        return totals[m.ordinal()];
    }

    /** The per-second values of one metric (a copy). */
    public double[] series(Metric m) {
        return perSecond[m.ordinal()].clone();
    }

    /** The highest per-second value of a metric. */
    public double peak(Metric m) {
        double peak = 0;
        for (double v : perSecond[m.ordinal()]) {
            peak = Math.max(peak, v);
        }
        return peak;
    }
}
