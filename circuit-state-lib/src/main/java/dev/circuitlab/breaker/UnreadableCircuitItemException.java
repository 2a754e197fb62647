package dev.circuitlab.breaker;

/**
 * The circuit's item exists but cannot be read as a circuit (a person edited it into something
 * else). Decisions treat it as a store failure; an operator's reset, force-open or disable replaces it.
 */
public class UnreadableCircuitItemException extends CircuitStateStoreException {

    private static final long serialVersionUID = 1L;

    public UnreadableCircuitItemException(String message, Throwable cause) {
        super(message, cause);
    }
}
