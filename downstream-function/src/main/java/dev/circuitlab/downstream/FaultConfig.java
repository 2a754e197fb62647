package dev.circuitlab.downstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.function.Json;
import java.time.Instant;

/**
 * One fault to inject: which {@link FaultMode}, how often, and its parameters. Built by
 * {@link FaultConfigParser} from a {@code PUT /faults} body or from {@code X-Fault-*} headers, and
 * stored by {@link FaultStore}. The compact constructor enforces the invariants; user input is
 * validated earlier, by the parser, with messages that name the field.
 *
 * @param mode        what to inject
 * @param probability chance in [0, 1] that a given request gets the fault (1 = every request)
 * @param latency     delay for {@code latency} (required) and cap for {@code timeout} (optional); null otherwise
 * @param statusCode  the status an injected fault answers with: configurable 500-599 for {@code error},
 *                    the mode's {@link FaultMode#defaultStatus()} for every other mode
 * @param expiresAt   when a persistent fault stops applying (whole seconds); null for per-request faults
 */
public record FaultConfig(FaultMode mode, double probability, LatencyRange latency, int statusCode, Instant expiresAt) {

    /** No fault. */
    public static final FaultConfig NONE = new FaultConfig(FaultMode.NONE, 1.0, null, FaultMode.NONE.defaultStatus(), null);

    public FaultConfig {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
        }
        if (mode == FaultMode.LATENCY && latency == null) {
            throw new IllegalArgumentException("mode latency needs a latency");
        }
        if (latency != null && mode != FaultMode.LATENCY && mode != FaultMode.TIMEOUT) {
            throw new IllegalArgumentException("mode " + mode.wireName() + " takes no latency");
        }
        if (mode == FaultMode.ERROR ? statusCode < 500 || statusCode > 599 : statusCode != mode.defaultStatus()) {
            throw new IllegalArgumentException("status " + statusCode + " does not fit mode " + mode.wireName());
        }
    }

    /** True when this fault has an expiry and {@code now} is at or past it. */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public FaultConfig withExpiresAt(Instant newExpiresAt) {
        return new FaultConfig(mode, probability, latency, statusCode, newExpiresAt);
    }

    /** The JSON users see on {@code GET|PUT /faults}: only the fields that mean something for the mode. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("mode", mode.wireName());
        if (mode == FaultMode.NONE) {
            putExpiry(json);
            return json;
        }
        json.put("probability", probability);
        if (latency != null) {
            if (latency.isFixed()) {
                json.put("latencyMs", latency.minMs());
            } else {
                json.put("latencyMinMs", latency.minMs());
                json.put("latencyMaxMs", latency.maxMs());
            }
        }
        if (mode == FaultMode.ERROR) {
            json.put("statusCode", statusCode);
        }
        putExpiry(json);
        return json;
    }

    private void putExpiry(ObjectNode json) {
        if (expiresAt != null) {
            // Epoch seconds, like the table's TTL attribute; the ISO form is for people.
            json.put("expiresAt", expiresAt.getEpochSecond());
            json.put("expiresAtIso", expiresAt.toString());
        }
    }
}
