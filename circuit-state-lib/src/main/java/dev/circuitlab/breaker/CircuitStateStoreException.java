package dev.circuitlab.breaker;

/** The state store could not be reached or refused the request (not a conditional-write conflict). */
public class CircuitStateStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CircuitStateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
