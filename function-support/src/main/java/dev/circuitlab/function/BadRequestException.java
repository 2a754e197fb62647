package dev.circuitlab.function;

/**
 * The client sent something a function will not act on. Its message is shown to the client as
 * {@code {"error": message}}, so it names the field and value and never carries internals.
 * Stackless: it is an answer, not a bug, and is never logged with a trace.
 */
public final class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BadRequestException(String message) {
        this(400, message);
    }

    public BadRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** 400, or 413 for a body over the size limit. */
    public int status() {
        return status;
    }
}
