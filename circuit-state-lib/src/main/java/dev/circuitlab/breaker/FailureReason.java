package dev.circuitlab.breaker;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/** Why a call counted as a failure. */
public enum FailureReason {
    /** The call did not answer within the call timeout. */
    TIMEOUT,
    /** The dependency answered with a 5xx status. */
    ERROR,
    /** The dependency answered 429 Too Many Requests. */
    THROTTLED,
    /** The connection could not be made or broke. */
    CONNECTION;

    /** Classifies an exception thrown by a call. */
    public static FailureReason of(Throwable t) {
        if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof IOException) {
            return CONNECTION;
        }
        return ERROR;
    }
}
