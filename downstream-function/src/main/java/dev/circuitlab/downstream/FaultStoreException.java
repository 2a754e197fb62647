package dev.circuitlab.downstream;

/** The fault table could not be read or written (DynamoDB error, throttling, network, missing table). */
public final class FaultStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FaultStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
