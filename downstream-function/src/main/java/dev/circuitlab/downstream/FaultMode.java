package dev.circuitlab.downstream;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What the downstream does instead of (or before) answering normally. */
public enum FaultMode {
    /** Answer normally. */
    NONE(200),
    /** Answer with a 5xx status (500 unless configured). */
    ERROR(500),
    /** Sleep, then answer normally: a slow dependency. */
    LATENCY(200),
    /** Hold the request until just before the Lambda times out, then answer 504: a hung dependency. */
    TIMEOUT(504),
    /** Answer 429 with {@code Retry-After}: a dependency shedding load. */
    THROTTLE(429),
    /** Answer 503: a dependency that is down. */
    UNAVAILABLE(503);

    /** The modes as users type them, for error messages. */
    public static final String WIRE_NAMES = Arrays.stream(values())
            .map(FaultMode::wireName)
            .collect(Collectors.joining(", "));

    private final int defaultStatus;

    FaultMode(int defaultStatus) {
        this.defaultStatus = defaultStatus;
    }

    /** The name used in JSON bodies, headers and the fault table, e.g. {@code "throttle"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The HTTP status an injected fault of this mode answers with, unless configured (only {@link #ERROR} is). */
    public int defaultStatus() {
        return defaultStatus;
    }

    /** Parses a wire name, ignoring case and surrounding blanks. */
    public static Optional<FaultMode> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.strip();
        for (FaultMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(wanted)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
