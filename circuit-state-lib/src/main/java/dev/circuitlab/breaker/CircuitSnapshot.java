package dev.circuitlab.breaker;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One circuit's shared state as stored in its item. Immutable.
 *
 * <p>{@code version} counts state episodes: it changes on every transition (including a CLOSED
 * failure window restart) and never on counter updates or probe-slot claims, so a conditional
 * write on it proves that nothing about the episode changed since the read.
 *
 * @param failureCount      failures counted in the current window (CLOSED)
 * @param windowStart       epoch ms of the first failure of the current window, 0 if none
 * @param openedAt          epoch ms of the last transition into OPEN, 0 if never
 * @param retryAt           epoch ms after which the next call may probe (OPEN)
 * @param consecutiveOpens  trips since the circuit last closed (drives the backoff)
 * @param probeLeases       HALF_OPEN probe slots in use: slot number to lease expiry (epoch ms)
 * @param halfOpenSuccesses successful probes in the current HALF_OPEN episode
 * @param version           0 for a circuit that has no item yet
 * @param updatedAt         epoch ms of the last write
 * @param lastTransition    null before the first transition
 */
public record CircuitSnapshot(
        String circuitId,
        CircuitState state,
        long failureCount,
        long windowStart,
        long openedAt,
        long retryAt,
        int consecutiveOpens,
        Map<Integer, Long> probeLeases,
        int halfOpenSuccesses,
        long version,
        long updatedAt,
        Transition lastTransition) {

    public CircuitSnapshot {
        Objects.requireNonNull(circuitId, "circuitId");
        Objects.requireNonNull(state, "state");
        probeLeases = Map.copyOf(probeLeases == null ? Map.of() : probeLeases);
    }

    /** The state of a circuit that has never been written: CLOSED, version 0. */
    public static CircuitSnapshot initial(String circuitId) {
        return new CircuitSnapshot(circuitId, CircuitState.CLOSED, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, null);
    }

    /** Probe leases ordered by slot, for display. */
    public Map<Integer, Long> sortedProbeLeases() {
        return new TreeMap<>(probeLeases);
    }

    /** Probes whose lease has not expired at {@code now}. */
    public long probesInFlight(long now) {
        return probeLeases.values().stream().filter(expiry -> expiry > now).count();
    }

    CircuitSnapshot withFailureCount(long count) {
        return new CircuitSnapshot(circuitId, state, count, windowStart, openedAt, retryAt, consecutiveOpens,
                probeLeases, halfOpenSuccesses, version, updatedAt, lastTransition);
    }

    /**
     * The successor episode: a new state, the version bumped, counters and probe slots reset.
     * Callers adjust the fields their transition sets.
     */
    CircuitSnapshot next(CircuitState to, String reason, long now) {
        return new CircuitSnapshot(circuitId, to, 0, 0, openedAt, retryAt, consecutiveOpens, Map.of(), 0,
                version + 1, now, new Transition(state, to, reason, now));
    }

    /** CLOSED → CLOSED: a new failure window holding its first failure. Not a transition. */
    CircuitSnapshot newWindow(long now) {
        return new CircuitSnapshot(circuitId, state, 1, now, openedAt, retryAt, consecutiveOpens, Map.of(), 0,
                version + 1, now, lastTransition);
    }

    CircuitSnapshot withOpen(long opened, long retry, int opens) {
        return new CircuitSnapshot(circuitId, state, failureCount, windowStart, opened, retry, opens,
                probeLeases, halfOpenSuccesses, version, updatedAt, lastTransition);
    }

    CircuitSnapshot withProbeLeases(Map<Integer, Long> leases) {
        return new CircuitSnapshot(circuitId, state, failureCount, windowStart, openedAt, retryAt, consecutiveOpens,
                leases, halfOpenSuccesses, version, updatedAt, lastTransition);
    }
}
