package dev.circuitlab.breaker;

import java.util.List;
import java.util.Optional;

/**
 * CLOSED: every call is permitted; outcomes are counted in time buckets of a sliding window, and
 * when the window meets a threshold (the failure count, or with enough calls a failure or slow-call
 * rate) the circuit trips. Without a rate threshold a success writes nothing, which keeps the
 * healthy path cheap; with one, successes are batched like failures.
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

    /** Counts one failure at once (a probe's, or one that ends a HALF_OPEN episode); a call too, if calls count. */
    Step countFailure(CircuitSnapshot s, FailureReason reason, long now) {
        return countOutcomes(s, config.countOf(true, false), reason, now);
    }

    /**
     * Counts {@code outcomes} (one instance's batch) into the window bucket of {@code now}: one atomic
     * update that also drops buckets older than the window (the first write of a circuit without
     * an item creates it). When the window then meets a threshold ({@link CircuitBreakerConfig#tripReason}),
     * trips. A window already over a threshold (a trip that did not land) trips on the next write
     * within the window, never on one after the window has passed.
     *
     * @param reason the last failure's reason, for the trip's log line (null if the batch has none)
     */
    Step countOutcomes(CircuitSnapshot s, OutcomeCounts outcomes, FailureReason reason, long now) {
        if (s.state() != CircuitState.CLOSED) {
            return Step.DONE; // the circuit moved on (opened or was forced): nothing left to count
        }
        long bucket = config.windowBucketStart(now);
        if (s.version() == 0) {
            CircuitSnapshot created = s.createdWithOutcomes(bucket, outcomes, now);
            return new Step.Write("create", store -> store.replace(0, created) ? Optional.of(created) : Optional.empty(),
                    false, counted -> tripIfReached(counted, reason, now), null, null, created);
        }
        List<Long> expired = s.windowBuckets().stream()
                .filter(start -> start + config.windowBucketMillis() <= now - config.failureWindow().toMillis())
                .limit(MAX_EXPIRED_PER_WRITE).toList();
        return Step.Write.update("add-outcomes",
                store -> store.addOutcomes(s.circuitId(), s.version(), bucket, outcomes, expired, now),
                counted -> tripIfReached(counted, reason, now));
    }

    /** The window's outcomes at {@code now} as {@code s} holds them. */
    OutcomeCounts window(CircuitSnapshot s, long now) {
        return s.outcomesWithin(now, config.failureWindow().toMillis(), config.windowBucketMillis());
    }

    private Step tripIfReached(CircuitSnapshot counted, FailureReason reason, long now) {
        String why = config.tripReason(window(counted, now));
        return why == null ? Step.DONE
                : open.trip(counted, why + (reason == null ? "" : " (last failure: " + reason + ")"), now);
    }
}
