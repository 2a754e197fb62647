package dev.circuitlab.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each state's rules as pure functions: a snapshot and a time in, a step out. No store, no clock. */
class StateRulesTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final CircuitBreakerConfig CONFIG = CircuitBreakerConfig.builder().failureThreshold(3)
            .failureWindow(Duration.ofSeconds(60)).openDuration(Duration.ofSeconds(30)).halfOpenProbes(2)
            .successThreshold(2).callTimeout(Duration.ofSeconds(2)).build();
    private static final StateRules.Table RULES = new StateRules.Table(CONFIG);
    private static final long LEASE = NOW + CONFIG.probeLease().toMillis();
    private static final CallOutcome FAILURE = CallOutcome.failure(FailureReason.TIMEOUT);

    private static CircuitSnapshot.Builder circuit(CircuitState state) {
        return CircuitSnapshot.builder("rules").state(state).version(7);
    }

    private static Step acquire(CircuitSnapshot s) {
        return RULES.of(s.state()).acquire(s, NOW);
    }

    @Test
    void closedPermitsAndASuccessWritesNothing() {
        CircuitSnapshot s = circuit(CircuitState.CLOSED).build();
        assertEquals(new Step.Permit(s), acquire(s));
        assertSame(Step.DONE, RULES.of(CircuitState.CLOSED).record(null, s, CallOutcome.success(), NOW));
    }

    /** Bucket starts for the test's 60 s window: 6 s buckets, aligned to the epoch. */
    private static long bucket(long at) {
        return CONFIG.windowBucketStart(at);
    }

    @Test
    void closedCountsAFailureIntoItsBucketWithOneUpdateAndTripsAtTheThreshold() {
        CircuitSnapshot s = circuit(CircuitState.CLOSED).recentFailures(Map.of(bucket(NOW - 1000), 1L)).build();
        Step.Write add = assertInstanceOf(Step.Write.class, RULES.of(CircuitState.CLOSED).record(null, s, FAILURE, NOW));
        assertEquals("add-outcomes", add.operation());
        assertNull(add.ifLost(), "a lost update reads again and counts on the fresh state");
        assertSame(Step.DONE, add.onWin().apply(s.withOutcomesAdded(bucket(NOW), OutcomeCounts.ofFailures(1), java.util.List.of(), NOW)));
        Step.Write trip = assertInstanceOf(Step.Write.class,
                add.onWin().apply(s.withOutcomesAdded(bucket(NOW), OutcomeCounts.ofFailures(2), java.util.List.of(), NOW)));
        assertEquals("trip", trip.operation());
        assertEquals(true, trip.transition());
    }

    @Test
    void theFirstFailureOfACircuitWithoutAnItemCreatesIt() {
        CircuitSnapshot none = CircuitSnapshot.initial("rules");
        Step.Write create = assertInstanceOf(Step.Write.class, RULES.of(CircuitState.CLOSED).record(null, none, FAILURE, NOW));
        assertEquals("create", create.operation());
        assertEquals(1, create.proposed().version());
        assertEquals(Map.of(bucket(NOW), 1L), create.proposed().recentFailures());
    }

    @Test
    void theWindowSlidesFailuresCloseTogetherCountTogetherAndOldOnesDoNot() {
        // Two failures 55 s ago and two 5 s ago: 4 within 60 s, whatever the bucket boundaries.
        CircuitSnapshot s = circuit(CircuitState.CLOSED).recentFailures(Map.of(bucket(NOW - 55_000), 2L,
                bucket(NOW - 5_000), 2L, bucket(NOW - 3_600_000), 7L)).build();
        assertEquals(4, s.failuresWithin(NOW, 60_000, CONFIG.windowBucketMillis()), "the hour-old bucket does not count");
        assertEquals(11, s.failureCount(), "the stored buckets, expired ones included until an update removes them");
        Step.Write add = (Step.Write) ((ClosedState) RULES.of(CircuitState.CLOSED)).countFailure(s, FailureReason.ERROR, NOW);
        CircuitSnapshot written = s.withOutcomesAdded(bucket(NOW), OutcomeCounts.ofFailures(1), java.util.List.of(bucket(NOW - 3_600_000)), NOW);
        assertEquals("trip", ((Step.Write) add.onWin().apply(written)).operation(), "4 + 1 within the window: threshold 3");
    }

    @Test
    void aCountLeftFromAnOldWindowNeverTripsOnOneLateFailure() {
        CircuitSnapshot old = circuit(CircuitState.CLOSED).recentFailures(Map.of(bucket(NOW - 3_600_000), 3L)).build();
        Step.Write add = (Step.Write) ((ClosedState) RULES.of(CircuitState.CLOSED)).countFailure(old, FailureReason.ERROR, NOW);
        CircuitSnapshot written = old.withOutcomesAdded(bucket(NOW), OutcomeCounts.ofFailures(1), java.util.List.of(bucket(NOW - 3_600_000)), NOW);
        assertSame(Step.DONE, add.onWin().apply(written));
        assertEquals(Map.of(bucket(NOW), 1L), written.recentFailures(), "the expired bucket is removed by the same update");
    }

    @Test
    void closedCountsNothingOnceTheCircuitMovedOn() {
        ClosedState closed = (ClosedState) RULES.of(CircuitState.CLOSED);
        assertSame(Step.DONE, closed.countFailure(circuit(CircuitState.OPEN).build(), FailureReason.ERROR, NOW));
    }

    @Test
    void openRejectsUntilTheRetryTimeThenTheFirstCallerTriesToBecomeTheProbe() {
        CircuitSnapshot s = circuit(CircuitState.OPEN).retryAt(NOW + 1).openedAt(NOW - 29_999).build();
        assertEquals(new Step.Reject(s, NOW + 1), acquire(s));

        CircuitSnapshot due = circuit(CircuitState.OPEN).retryAt(NOW).build();
        Step.Write halfOpen = assertInstanceOf(Step.Write.class, acquire(due));
        assertEquals("open-to-half-open", halfOpen.operation());
        assertNull(halfOpen.ifLost(), "with two probe slots a loser reads again: a slot may be free");
        CircuitSnapshot written = due.halfOpenedWithFirstProbe("x", NOW, 0, LEASE);
        assertEquals(new Step.Probe(written, 0, LEASE), halfOpen.onWin().apply(written));
    }

    @Test
    void openWithOneProbeSlotRejectsTheLoserWithoutAnotherRead() {
        StateRules.Table oneSlot = new StateRules.Table(CircuitBreakerConfig.builder().halfOpenProbes(1).build());
        CircuitSnapshot due = circuit(CircuitState.OPEN).retryAt(NOW).build();
        Step.Write halfOpen = (Step.Write) oneSlot.of(CircuitState.OPEN).acquire(due, NOW);
        assertInstanceOf(Step.Reject.class, halfOpen.ifLost());
    }

    @Test
    void aTripFromHalfOpenLengthensTheBackoffStreak() {
        OpenState open = (OpenState) RULES.of(CircuitState.OPEN);
        CircuitSnapshot halfOpen = circuit(CircuitState.HALF_OPEN).consecutiveOpens(2).build();
        Step.Write trip = open.trip(halfOpen, "probe failed", NOW);
        CircuitSnapshot written = halfOpen.opened("probe failed", NOW, NOW + 30_000, 3);
        assertEquals(3, written.consecutiveOpens());
        assertSame(Step.DONE, trip.ifLost());
    }

    @Test
    void halfOpenClaimsAFreeOrExpiredSlotAndRejectsWhenAllAreLeased() {
        CircuitSnapshot oneTaken = circuit(CircuitState.HALF_OPEN).probeLeases(Map.of(0, NOW + 500)).build();
        Step.Write claim = assertInstanceOf(Step.Write.class, acquire(oneTaken));
        assertEquals("claim-probe", claim.operation());
        CircuitSnapshot claimed = oneTaken.withProbeLease(1, LEASE, "owner-1");
        assertEquals(new Step.Probe(claimed, 1, LEASE), claim.onWin().apply(claimed));

        CircuitSnapshot full = circuit(CircuitState.HALF_OPEN).probeLeases(Map.of(0, NOW + 500, 1, NOW + 200)).build();
        assertEquals(new Step.Reject(full, NOW + 200), acquire(full));

        CircuitSnapshot expired = circuit(CircuitState.HALF_OPEN).probeLeases(Map.of(0, NOW, 1, NOW + 200)).build();
        assertEquals("claim-probe", ((Step.Write) acquire(expired)).operation());
    }

    @Test
    void aProbeFailureTripsAndAProbeSuccessClosesAtTheSuccessThreshold() {
        CircuitSnapshot s = circuit(CircuitState.HALF_OPEN).probeLeases(Map.of(0, LEASE)).build();
        Permission probe = Permission.probe(s, 0, LEASE, null);
        StateRules halfOpen = RULES.of(CircuitState.HALF_OPEN);

        Step.Write trip = (Step.Write) halfOpen.record(probe, s, FAILURE, NOW);
        assertEquals("trip", trip.operation());
        assertNull(trip.ifLost(), "a lost trip reads again: another probe may have closed the circuit");

        Step.Write success = (Step.Write) halfOpen.record(probe, s, CallOutcome.success(), NOW);
        assertEquals("probe-success", success.operation());
        assertSame(Step.DONE, success.onWin().apply(s.toBuilder().halfOpenSuccesses(1).build()));
        Step.Write close = (Step.Write) success.onWin().apply(s.toBuilder().halfOpenSuccesses(2).build());
        assertEquals("close", close.operation());
    }

    @Test
    void aProbeFailureAfterAnotherProbeClosedTheCircuitCountsInClosed() {
        CircuitSnapshot probed = circuit(CircuitState.HALF_OPEN).build();
        CircuitSnapshot closedSince = circuit(CircuitState.CLOSED).version(8).build();
        Step step = RULES.of(CircuitState.HALF_OPEN).record(Permission.probe(probed, 0, LEASE, null), closedSince, FAILURE, NOW);
        assertEquals("add-outcomes", ((Step.Write) step).operation());
    }

    @Test
    void operatorStatesRejectOrPermitAndRecordNothing() {
        CircuitSnapshot forced = circuit(CircuitState.FORCED_OPEN).build();
        assertEquals(new Step.Reject(forced, NOW + 30_000), acquire(forced));
        CircuitSnapshot disabled = circuit(CircuitState.DISABLED).build();
        assertEquals(new Step.Permit(disabled), acquire(disabled));
        assertSame(Step.DONE, RULES.of(CircuitState.DISABLED).record(null, disabled, FAILURE, NOW));
    }

    @Test
    void transitionsAreValidatedByTheStateEnum() {
        CircuitSnapshot closed = circuit(CircuitState.CLOSED).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> closed.transitionTo(CircuitState.HALF_OPEN, "skip OPEN", NOW));
        assertEquals("transition CLOSED -> HALF_OPEN is not allowed", e.getMessage());
    }

    @Test
    void aSnapshotCannotBeBuiltWithNegativeCountersOrALeaselessSlot() {
        assertThrows(IllegalArgumentException.class, () -> circuit(CircuitState.CLOSED).recentFailures(Map.of(NOW, -1L)).build());
        java.util.HashMap<Integer, Long> leases = new java.util.HashMap<>();
        leases.put(0, null);
        assertThrows(IllegalArgumentException.class, () -> circuit(CircuitState.HALF_OPEN).probeLeases(leases).build());
    }
}
