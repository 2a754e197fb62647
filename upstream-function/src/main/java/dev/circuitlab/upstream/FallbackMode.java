package dev.circuitlab.upstream;

import java.util.Locale;

/** What {@code GET /upstream} answers when the circuit rejects the call. */
public enum FallbackMode {
    /** A fast 503 with Retry-After: the caller learns at once that the dependency is unavailable. */
    NONE,
    /** A 200 with a static degraded payload ({@code "degraded":true, "item":null}) and {@code X-Degraded: true}. */
    STATIC;

    /** null or blank means {@link #NONE}. */
    static FallbackMode parse(String variable, String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "static" -> STATIC;
            default -> throw new IllegalArgumentException(variable + " must be 'none' or 'static' but was '" + value + "'");
        };
    }
}
