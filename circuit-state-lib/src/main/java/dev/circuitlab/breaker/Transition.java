package dev.circuitlab.breaker;

/**
 * A state change, kept on the item as its last transition.
 *
 * @param at epoch milliseconds
 */
public record Transition(CircuitState from, CircuitState to, String reason, long at) {
}
