package dev.circuitlab.breaker;

/**
 * Outcomes of calls counted together: one instance's batch before it is written, one window bucket,
 * or a whole window. {@code calls} and {@code slowCalls} are counted only when a rate threshold is
 * configured ({@link CircuitBreakerConfig#countsCalls()}); otherwise both stay 0 and only failures count.
 *
 * @param calls     every call with an outcome (successes and failures)
 * @param failures  failed calls
 * @param slowCalls successful calls that took longer than the slow-call duration
 */
public record OutcomeCounts(long calls, long failures, long slowCalls) {

    public static final OutcomeCounts NONE = new OutcomeCounts(0, 0, 0);

    /** @throws IllegalArgumentException if a count is negative */
    public OutcomeCounts {
        if (calls < 0 || failures < 0 || slowCalls < 0) {
            throw new IllegalArgumentException("outcome counts must be >= 0 but were calls=" + calls
                    + ", failures=" + failures + ", slowCalls=" + slowCalls);
        }
    }

    /** {@code failures} failures and nothing else (calls not counted). */
    public static OutcomeCounts ofFailures(long failures) {
        return new OutcomeCounts(0, failures, 0);
    }

    public OutcomeCounts plus(OutcomeCounts other) {
        return new OutcomeCounts(calls + other.calls, failures + other.failures, slowCalls + other.slowCalls);
    }

    public boolean isEmpty() {
        return calls == 0 && failures == 0 && slowCalls == 0;
    }

    /** Failures per 100 calls; 0 when no calls were counted. */
    public double failureRatePercent() {
        return calls == 0 ? 0 : 100.0 * failures / calls;
    }

    /** Slow calls per 100 calls; 0 when no calls were counted. */
    public double slowCallRatePercent() {
        return calls == 0 ? 0 : 100.0 * slowCalls / calls;
    }
}
