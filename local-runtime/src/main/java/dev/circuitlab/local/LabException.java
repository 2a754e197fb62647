package dev.circuitlab.local;

/**
 * A problem the user can fix (bad arguments, a missing file, a busy port, no Node.js). The
 * command line prints its message as one line on stderr and exits non-zero, without a stack
 * trace, so the message must say what is wrong and what to do.
 */
public class LabException extends RuntimeException {

    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
