package dev.circuitlab.experiments.fleet;

/**
 * The throughput one DynamoDB item can take: its partition's per-second caps on read and write
 * units. Each simulated second is a window; a request whose units would take its second's window
 * over the cap is throttled (and consumes nothing). Windows are independent, so requests may be
 * admitted in any order of their times.
 *
 * <p>With burst on, unused capacity of past seconds is kept, up to {@link #BURST_SECONDS} seconds'
 * worth, and spent when a second's window is full: DynamoDB's documented burst capacity. A
 * second's unused capacity is added once the run has moved two seconds past it (the pool starts
 * empty).
 */
public final class ItemCapacity {

    /** DynamoDB keeps up to five minutes of unused capacity for bursts. */
    public static final int BURST_SECONDS = 300;
    /** Seconds after its end before a window's unused capacity goes to the burst pool (late requests may still land in it). */
    private static final int SEAL_DELAY_SECONDS = 2;

    private final double readCap;
    private final double writeCap;
    private final boolean burst;
    private final double[] readUsed;
    private final double[] writeUsed;
    private double readPool;
    private double writePool;
    private int sealed;

    /** @param seconds how many one-second windows to keep; later requests use the last one */
    public ItemCapacity(double readUnitsPerSecond, double writeUnitsPerSecond, boolean burst, int seconds) {
        if (!(readUnitsPerSecond > 0) || !(writeUnitsPerSecond > 0)) {
            throw new IllegalArgumentException("capacity caps must be > 0");
        }
        this.readCap = readUnitsPerSecond;
        this.writeCap = writeUnitsPerSecond;
        this.burst = burst;
        this.readUsed = new double[Math.max(1, seconds)];
        this.writeUsed = new double[Math.max(1, seconds)];
    }

    /** Whether a request of {@code units} at {@code micros} is served; if so its units are taken. */
    public boolean admit(boolean read, long micros, double units) {
        int s = window(micros);
        double[] used = read ? readUsed : writeUsed;
        double cap = read ? readCap : writeCap;
        if (used[s] + units <= cap + 1e-9) {
            used[s] += units;
            return true;
        }
        if (burst) {
            double pool = read ? readPool : writePool;
            if (pool >= units) {
                if (read) {
                    readPool -= units;
                } else {
                    writePool -= units;
                }
                used[s] += units;
                return true;
            }
        }
        return false;
    }

    /** Units taken by a request already served whose final size made it cost more than admitted. */
    public void charge(boolean read, long micros, double units) {
        (read ? readUsed : writeUsed)[window(micros)] += units;
    }

    /** The run has reached {@code micros}: windows far enough behind give their unused capacity to the burst pool. */
    public void advanceTo(long micros) {
        if (!burst) {
            return;
        }
        int upTo = Math.min(readUsed.length, window(micros) - SEAL_DELAY_SECONDS);
        for (; sealed < upTo; sealed++) {
            readPool = Math.min(readCap * BURST_SECONDS, readPool + Math.max(0, readCap - readUsed[sealed]));
            writePool = Math.min(writeCap * BURST_SECONDS, writePool + Math.max(0, writeCap - writeUsed[sealed]));
        }
    }

    private int window(long micros) {
        long s = Math.floorDiv(micros, 1_000_000L);
        return (int) Math.max(0, Math.min(readUsed.length - 1, s));
    }
}
