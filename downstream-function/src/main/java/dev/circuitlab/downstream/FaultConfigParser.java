package dev.circuitlab.downstream;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.circuitlab.function.BadRequestException;
import dev.circuitlab.function.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns user input into a {@link FaultConfig}: a {@code PUT /faults} JSON body or the per-request
 * {@code X-Fault-*} headers. Every rejection is a {@link BadRequestException} whose message names the
 * field (or header) and the offending value, so a caller can fix the request without reading code.
 *
 * <p>Parameters that a mode would silently ignore (a {@code statusCode} on {@code throttle}, a
 * latency on {@code error}) are rejected rather than dropped: a fault experiment that does not do
 * what its author believes is worse than a 400.
 */
public final class FaultConfigParser {

    public static final long DEFAULT_EXPIRES_IN_SECONDS = 300;
    public static final long MAX_EXPIRES_IN_SECONDS = 86_400;
    public static final int MIN_ERROR_STATUS = 500;
    public static final int MAX_ERROR_STATUS = 599;

    public static final String HEADER_MODE = "X-Fault-Mode";
    public static final String HEADER_LATENCY_MS = "X-Fault-Latency-Ms";
    public static final String HEADER_STATUS_CODE = "X-Fault-Status-Code";
    public static final String HEADER_PROBABILITY = "X-Fault-Probability";

    private static final List<String> BODY_FIELDS = List.of(
            "mode", "probability", "latencyMs", "latencyMinMs", "latencyMaxMs", "statusCode", "expiresInSeconds");
    private static final int MAX_ECHOED_VALUE_CHARS = 60;

    /** How a source names its fields in messages: JSON field names or header names. */
    private record FieldNames(String mode, String probability, String latency, String statusCode) {
    }

    private static final FieldNames JSON_NAMES = new FieldNames("mode", "probability", "latencyMs", "statusCode");
    private static final FieldNames HEADER_NAMES =
            new FieldNames(HEADER_MODE, HEADER_PROBABILITY, HEADER_LATENCY_MS, HEADER_STATUS_CODE);

    private final long maxLatencyMs;

    /** @param maxLatency the largest latency a fault may ask for ({@code MAX_FAULT_LATENCY_MS}) */
    public FaultConfigParser(Duration maxLatency) {
        this.maxLatencyMs = maxLatency.toMillis();
    }

    /**
     * Parses a {@code PUT /faults} body (already size-checked and base64-decoded).
     *
     * @param now the start of the expiry, from the handler's clock
     * @return the fault with an absolute {@code expiresAt}, whole seconds
     */
    public FaultConfig parseBody(byte[] body, Instant now) {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            throw new BadRequestException("request body must be a JSON object, got " + jsonType(root));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!BODY_FIELDS.contains(name)) {
                throw new BadRequestException("unknown field '" + echo(name) + "'; allowed fields: "
                        + String.join(", ", BODY_FIELDS));
            }
        }

        JsonNode modeNode = root.get("mode");
        if (modeNode == null || modeNode.isNull()) {
            throw new BadRequestException("mode is required; expected one of " + FaultMode.WIRE_NAMES);
        }
        if (!modeNode.isTextual()) {
            throw new BadRequestException("mode must be a string, got " + echo(modeNode.toString()));
        }
        FaultMode mode = mode(modeNode.asText(), JSON_NAMES);

        Double probability = null;
        JsonNode p = present(root, "probability");
        if (p != null) {
            if (!p.isNumber()) {
                throw new BadRequestException("probability must be a number between 0 and 1, got " + echo(p.toString()));
            }
            probability = p.doubleValue();
        }

        Long latencyMs = wholeNumber(root, "latencyMs");
        Long latencyMinMs = wholeNumber(root, "latencyMinMs");
        Long latencyMaxMs = wholeNumber(root, "latencyMaxMs");
        LatencyRange latency = null;
        if (latencyMs != null) {
            if (latencyMinMs != null || latencyMaxMs != null) {
                throw new BadRequestException("use either latencyMs or latencyMinMs/latencyMaxMs, not both");
            }
            latency = LatencyRange.fixed(latencyWithinBounds("latencyMs", latencyMs));
        } else if (latencyMinMs != null || latencyMaxMs != null) {
            if (latencyMinMs == null || latencyMaxMs == null) {
                throw new BadRequestException("latencyMinMs and latencyMaxMs must be given together");
            }
            long min = latencyWithinBounds("latencyMinMs", latencyMinMs);
            long max = latencyWithinBounds("latencyMaxMs", latencyMaxMs);
            if (min > max) {
                throw new BadRequestException("latencyMinMs (" + min + ") must not exceed latencyMaxMs (" + max + ")");
            }
            latency = new LatencyRange(min, max);
        }

        Long status = wholeNumber(root, "statusCode");

        long expiresInSeconds = DEFAULT_EXPIRES_IN_SECONDS;
        Long expires = wholeNumber(root, "expiresInSeconds");
        if (expires != null) {
            if (expires < 1 || expires > MAX_EXPIRES_IN_SECONDS) {
                throw new BadRequestException("expiresInSeconds must be between 1 and " + MAX_EXPIRES_IN_SECONDS
                        + ", got " + expires);
            }
            expiresInSeconds = expires;
        }
        // Whole seconds: the stored expiresAt is the table's TTL attribute (epoch seconds).
        Instant expiresAt = Instant.ofEpochSecond(now.getEpochSecond() + expiresInSeconds);

        return build(mode, probability, latency, status, expiresAt, JSON_NAMES);
    }

    /**
     * Reads a per-request fault from {@code X-Fault-*} headers.
     *
     * @param header looks a header up by name, ignoring case; null when absent
     * @return empty when {@code X-Fault-Mode} is absent or blank (the other headers alone do nothing)
     */
    public Optional<FaultConfig> parseHeaders(Function<String, String> header) {
        String modeValue = header.apply(HEADER_MODE);
        if (modeValue == null || modeValue.isBlank()) {
            return Optional.empty();
        }
        FaultMode mode = mode(modeValue, HEADER_NAMES);

        Double probability = null;
        String p = header.apply(HEADER_PROBABILITY);
        if (p != null) {
            try {
                probability = Double.parseDouble(p.strip());
            } catch (NumberFormatException e) {
                throw new BadRequestException(HEADER_PROBABILITY + " must be a number between 0 and 1, got '"
                        + echo(p) + "'");
            }
        }

        LatencyRange latency = null;
        String l = header.apply(HEADER_LATENCY_MS);
        if (l != null) {
            latency = headerLatency(l);
        }

        Long status = null;
        String s = header.apply(HEADER_STATUS_CODE);
        if (s != null) {
            try {
                status = Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw new BadRequestException(HEADER_STATUS_CODE + " must be a whole number between "
                        + MIN_ERROR_STATUS + " and " + MAX_ERROR_STATUS + ", got '" + echo(s) + "'");
            }
        }
        return Optional.of(build(mode, probability, latency, status, null, HEADER_NAMES));
    }

    /** Checks that only make sense once everything is parsed: ranges and which parameters a mode takes. */
    private FaultConfig build(FaultMode mode, Double probability, LatencyRange latency, Long status,
                              Instant expiresAt, FieldNames names) {
        double chance = 1.0;
        if (probability != null) {
            if (!(probability >= 0.0 && probability <= 1.0)) {
                throw new BadRequestException(names.probability() + " must be between 0 and 1, got " + probability);
            }
            chance = probability;
        }
        if (mode == FaultMode.LATENCY && latency == null) {
            throw new BadRequestException(names.latency() + " is required for mode 'latency'"
                    + (names == JSON_NAMES ? " (or latencyMinMs and latencyMaxMs)" : ""));
        }
        if (latency != null && mode != FaultMode.LATENCY && mode != FaultMode.TIMEOUT) {
            throw new BadRequestException(names.latency() + " is only valid with mode 'latency' or 'timeout', not '"
                    + mode.wireName() + "'");
        }
        int statusCode = mode.defaultStatus();
        if (status != null) {
            if (mode != FaultMode.ERROR) {
                throw new BadRequestException(names.statusCode() + " is only valid with mode 'error', not '"
                        + mode.wireName() + "'");
            }
            if (status < MIN_ERROR_STATUS || status > MAX_ERROR_STATUS) {
                throw new BadRequestException(names.statusCode() + " must be between " + MIN_ERROR_STATUS + " and "
                        + MAX_ERROR_STATUS + ", got " + status);
            }
            statusCode = status.intValue();
        }
        return new FaultConfig(mode, chance, latency, statusCode, expiresAt);
    }

    private static FaultMode mode(String value, FieldNames names) {
        return FaultMode.fromWireName(value).orElseThrow(() -> new BadRequestException(
                "unknown " + names.mode() + " '" + echo(value) + "'; expected one of " + FaultMode.WIRE_NAMES));
    }

    /** "250" or a range "100-500". */
    private LatencyRange headerLatency(String value) {
        String v = value.strip();
        int dash = v.indexOf('-', 1); // from 1 so that "-5" reads as a negative number, not a range
        try {
            if (dash < 0) {
                return LatencyRange.fixed(latencyWithinBounds(HEADER_LATENCY_MS, Long.parseLong(v)));
            }
            long min = latencyWithinBounds(HEADER_LATENCY_MS, Long.parseLong(v.substring(0, dash).strip()));
            long max = latencyWithinBounds(HEADER_LATENCY_MS, Long.parseLong(v.substring(dash + 1).strip()));
            if (min > max) {
                throw new BadRequestException(HEADER_LATENCY_MS + " range '" + echo(v) + "' has its minimum above its maximum");
            }
            return new LatencyRange(min, max);
        } catch (NumberFormatException e) {
            throw new BadRequestException(HEADER_LATENCY_MS + " must be a whole number of milliseconds or a range"
                    + " like 100-500, got '" + echo(value) + "'");
        }
    }

    private long latencyWithinBounds(String field, long ms) {
        if (ms < 0) {
            throw new BadRequestException(field + " must not be negative, got " + ms);
        }
        if (ms > maxLatencyMs) {
            throw new BadRequestException(field + " " + ms + " exceeds the maximum fault latency of " + maxLatencyMs
                    + " ms (MAX_FAULT_LATENCY_MS)");
        }
        return ms;
    }

    private static JsonNode readJson(byte[] body) {
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw new BadRequestException("request body is required: a JSON object such as {\"mode\":\"error\"}");
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new BadRequestException("malformed JSON: " + echoLong(e.getOriginalMessage()) + where);
        } catch (IOException e) {
            // readTree(byte[]) does no I/O; kept for the checked signature.
            throw new BadRequestException("malformed JSON: unreadable body");
        }
    }

    /** A field that is present and not JSON null, else null. */
    private static JsonNode present(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static Long wholeNumber(JsonNode root, String field) {
        JsonNode node = present(root, field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new BadRequestException(field + " must be a whole number, got " + echo(node.toString()));
        }
        return node.longValue();
    }

    private static String jsonType(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** User values go back into messages, shortened so a huge value cannot bloat the response or logs. */
    private static String echo(String value) {
        return value.length() <= MAX_ECHOED_VALUE_CHARS ? value : value.substring(0, MAX_ECHOED_VALUE_CHARS) + "...";
    }

    private static String echoLong(String value) {
        if (value == null) {
            return "unreadable input";
        }
        return value.length() <= 300 ? value : value.substring(0, 300) + "...";
    }
}
