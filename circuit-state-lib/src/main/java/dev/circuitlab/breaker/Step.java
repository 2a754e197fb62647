package dev.circuitlab.breaker;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a state's rules say to do next: answer the caller ({@link Permit}, {@link Probe},
 * {@link Reject}), stop ({@link Done}), or first try one conditional {@link Write}. Steps are
 * values: the rules decide, {@link StateMachine} alone talks to the store.
 */
sealed interface Step {

    /** Nothing (more) to write: the outcome is recorded or needs no write. */
    Step DONE = new Done();

    /** The call may go ahead in the snapshot's state (CLOSED or DISABLED). */
    record Permit(CircuitSnapshot snapshot) implements Step { }

    /** The call may go ahead as a HALF_OPEN probe owning {@code slot} until {@code lease}. */
    record Probe(CircuitSnapshot snapshot, int slot, long lease) implements Step { }

    /** The call is rejected; a retry makes sense at {@code retryAt} (epoch ms). */
    record Reject(CircuitSnapshot snapshot, long retryAt) implements Step { }

    /** See {@link #DONE}. */
    record Done() implements Step { }

    /** An operator's write applied: the operation ends with this state. */
    record Written(CircuitSnapshot snapshot) implements Step { }

    /**
     * Try one conditional write. If it applies, continue with {@code onWin} on the state it wrote.
     * If its condition fails: continue with {@code ifLost} when it is set (no re-read: the loser
     * already knows enough); else read again and continue with {@code afterReread} when it is set;
     * else decide the whole operation again from the fresh read.
     *
     * @param operation  name for metrics and logs ("trip", "add-failure", …)
     * @param transition whether a win is a state transition to publish
     * @param proposed   for a whole-state write, the state it writes (its write token identifies it
     *                   when the store's answer was lost); null for an update
     */
    record Write(String operation, StoreWrite write, boolean transition,
                 Function<CircuitSnapshot, Step> onWin, Step ifLost,
                 Function<CircuitSnapshot, Step> afterReread, CircuitSnapshot proposed) implements Step {

        public Write {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(write, "write");
            Objects.requireNonNull(onWin, "onWin");
        }

        /** A whole-state conditional replace of {@code read} by {@code next}: a transition. */
        static Write transition(String operation, CircuitSnapshot read, CircuitSnapshot next,
                                Function<CircuitSnapshot, Step> onWin) {
            return new Write(operation, store -> store.replace(read.version(), next) ? Optional.of(next) : Optional.empty(),
                    true, onWin, null, null, next);
        }

        /** A write that is not a transition; a lost race decides the operation again from a fresh read. */
        static Write update(String operation, StoreWrite write, Function<CircuitSnapshot, Step> onWin) {
            return new Write(operation, write, false, onWin, null, null, null);
        }

        /** The same write, but a lost race ends with {@code step} instead of a re-read. */
        Write ifLost(Step step) {
            return new Write(operation, write, transition, onWin, Objects.requireNonNull(step, "step"), null, proposed);
        }

        /** The same write, but a lost race reads the circuit again and decides the operation anew. */
        Write decideAgainIfLost() {
            return new Write(operation, write, transition, onWin, null, null, proposed);
        }

        /** The same write, but a lost race reads the circuit again and continues with {@code next}. */
        Write ifLostReread(Function<CircuitSnapshot, Step> next) {
            return new Write(operation, write, transition, onWin, null, Objects.requireNonNull(next, "next"), proposed);
        }
    }

    /** One conditional store request: the state it produced, or empty if its condition failed. */
    @FunctionalInterface
    interface StoreWrite {
        Optional<CircuitSnapshot> apply(CircuitStateStore store);
    }
}
