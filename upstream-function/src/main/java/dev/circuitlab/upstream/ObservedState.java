package dev.circuitlab.upstream;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The circuit state this instance saw last, for the {@code X-Circuit-State} header of answers that
 * do not consult the breaker ({@code /health}, 404, 405, 413): every response carries the header,
 * and those must not cost a DynamoDB read. {@code UNKNOWN} until the first decision.
 */
final class ObservedState {

    /** The header every upstream response carries. */
    static final String HEADER = "X-Circuit-State";
    static final String UNKNOWN = "UNKNOWN";

    private final AtomicReference<String> last = new AtomicReference<>(UNKNOWN);

    void saw(String state) {
        if (state != null) {
            last.set(state);
        }
    }

    String last() {
        return last.get();
    }
}
