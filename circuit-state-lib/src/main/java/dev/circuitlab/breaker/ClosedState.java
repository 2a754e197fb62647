package dev.circuitlab.breaker;

import java.util.List;
import java.util.Optional;

/**
 * CLOSED: every call is permitted; failures are counted in time buckets of a sliding window, and
 * when the failures within the window reach the threshold the circuit trips. A success writes
 * nothing, which keeps the healthy path cheap.
 */
final class ClosedState implements StateRules {

    /** Expired buckets one update removes at most (the rest go with the next ones). */
    private static final int MAX_EXPIRED_PER_WRITE = 10;

    private final CircuitBreakerConfig config;
    private final OpenState open;

    ClosedState(CircuitBreakerConfig config, OpenState open) {
        this.config = config;
        this.open = open;
    }

    @Override
    public Step acquire(CircuitSnapshot s, long now) {
        return new Step.Permit(s);
    }

    @Override
    public Step record(Permission permission, CircuitSnapshot current, CallOutcome outcome, long now) {
        return outcome.failureReason().map(reason -> countFailure(current, reason, now)).orElse(Step.DONE);
    }

    /**
     * Counts one failure into the window bucket of {@code now} (one atomic update that also drops
     * buckets older than the window; the first failure of a circuit without an item creates it);
     * when the failures within the window reach the threshold, trips. A count already at the
     * threshold (a trip that did not land) trips on the next failure within the window, never on
     * one after the window has passed.
     */
    Step countFailure(CircuitSnapshot s, FailureReason reason, long now) {
        return countFailures(s, 1, reason, now);
    }

    /** Like {@link #countFailure}, for {@code failures} failures at once (one instance's batch). */
    Step countFailures(CircuitSnapshot s, long failures, FailureReason reason, long now) {
        if (s.state() != CircuitState.CLOSED) {
            return Step.DONE; // the circuit moved on (opened or was forced): nothing left to count
        }
        long bucket = config.windowBucketStart(now);
        if (s.version() == 0) {
            CircuitSnapshot created = s.createdWithFailures(bucket, failures, now);
            return new Step.Write("create", store -> store.replace(0, created) ? Optional.of(created) : Optional.empty(),
                    false, counted -> tripIfReached(counted, reason, now), null, null, created);
        }
        List<Long> expired = s.recentFailures().keySet().stream()
                .filter(start -> start + config.windowBucketMillis() <= now - config.failureWindow().toMillis())
                .limit(MAX_EXPIRED_PER_WRITE).toList();
        return Step.Write.update("add-failure",
                store -> store.addFailures(s.circuitId(), s.version(), bucket, failures, expired, now),
                counted -> tripIfReached(counted, reason, now));
    }

    private Step tripIfReached(CircuitSnapshot counted, FailureReason reason, long now) {
        long failures = counted.failuresWithin(now, config.failureWindow().toMillis(), config.windowBucketMillis());
        return failures >= config.failureThreshold() ? tripFor(counted, failures, reason, now) : Step.DONE;
    }

    private Step.Write tripFor(CircuitSnapshot s, long failures, FailureReason reason, long now) {
        return open.trip(s, failures + " failures within " + config.failureWindow().toMillis()
                + " ms (last: " + reason + ")", now);
    }
}
