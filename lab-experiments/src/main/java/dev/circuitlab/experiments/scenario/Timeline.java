package dev.circuitlab.experiments.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the downstream does, and when: phases such as {@code healthy:10s,timeout:30s,healthy:20s}.
 * A phase is {@code MODE:DURATION} where MODE is {@code healthy} (no fault) or a downstream fault
 * mode ({@code timeout}, {@code error}, {@code throttle}, {@code unavailable}, {@code latency=MS}),
 * and DURATION is a number with {@code ms}, {@code s} (the default) or {@code m}.
 */
public record Timeline(List<Phase> phases) {

    public static final String DEFAULT = "healthy:10s,timeout:30s,healthy:20s";
    static final Set<String> MODES = Set.of("healthy", "timeout", "error", "throttle", "unavailable", "latency");
    /** Phases shorter than this cannot be applied by a fault API call that takes a few ms. */
    static final long MIN_PHASE_MS = 100;

    /**
     * @param mode      {@code healthy} or a downstream fault mode
     * @param latencyMs for {@code latency} only: how long the downstream sleeps
     */
    public record Phase(String mode, long durationMs, Long latencyMs) {
        public Phase {
            if (!MODES.contains(mode)) {
                throw new IllegalArgumentException("unknown phase mode '" + mode + "': use one of " + String.join(", ",
                        MODES.stream().sorted().toList()));
            }
            if (durationMs < MIN_PHASE_MS) {
                throw new IllegalArgumentException("phase '" + mode + "' is " + durationMs + " ms long; phases last at least "
                        + MIN_PHASE_MS + " ms");
            }
            if (mode.equals("latency") != (latencyMs != null)) {
                throw new IllegalArgumentException("only a latency phase takes a latency (latency=1500:10s)");
            }
        }

        public boolean healthy() {
            return mode.equals("healthy");
        }

        /** Text form, as accepted by {@link Timeline#parse}. */
        public String spec() {
            return (latencyMs == null ? mode : mode + "=" + latencyMs) + ":" + formatDuration(durationMs);
        }
    }

    public Timeline {
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a timeline needs at least one phase");
        }
    }

    public static Timeline defaults() {
        return parse(DEFAULT);
    }

    public static Timeline parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty timeline: expected e.g. " + DEFAULT);
        }
        List<Phase> phases = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("bad phase '" + p + "': expected MODE:DURATION such as timeout:30s");
            }
            String mode = p.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            Long latency = null;
            int eq = mode.indexOf('=');
            if (eq >= 0) {
                latency = parseDurationMs(mode.substring(eq + 1), "ms");
                mode = mode.substring(0, eq);
            }
            if (mode.equals("none")) {
                mode = "healthy";
            }
            phases.add(new Phase(mode, parseDurationMs(p.substring(colon + 1), "s"), latency));
        }
        return new Timeline(phases);
    }

    /** {@code 1500ms}, {@code 30s}, {@code 2m}, or a bare number in {@code defaultUnit}. */
    public static long parseDurationMs(String text, String defaultUnit) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String unit = defaultUnit;
        if (t.endsWith("ms")) {
            unit = "ms";
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = "s";
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = "m";
            t = t.substring(0, t.length() - 1);
        }
        double v;
        try {
            v = Double.parseDouble(t.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad duration '" + text + "': expected e.g. 1500ms, 30s or 2m");
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("bad duration '" + text + "': must be a positive number");
        }
        double ms = switch (unit) {
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
        };
        return Math.round(ms);
    }

    static String formatDuration(long ms) {
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    public long totalMs() {
        return phases.stream().mapToLong(Phase::durationMs).sum();
    }

    /** The same phases, stretched or shrunk to {@code totalMs} in proportion (rounded to 100 ms). */
    public Timeline scaledTo(long totalMs) {
        long current = totalMs();
        if (totalMs == current) {
            return this;
        }
        List<Phase> scaled = new ArrayList<>();
        long used = 0;
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            long d = i == phases.size() - 1
                    ? totalMs - used
                    : Math.max(MIN_PHASE_MS, Math.round(p.durationMs() * (double) totalMs / current / 100.0) * 100);
            scaled.add(new Phase(p.mode(), d, p.latencyMs()));
            used += d;
        }
        return new Timeline(scaled);
    }

    /** Offset (ms from the start) at which phase {@code index} begins. */
    public long startOf(int index) {
        long t = 0;
        for (int i = 0; i < index; i++) {
            t += phases.get(i).durationMs();
        }
        return t;
    }

    /** The phase in force at {@code offsetMs} (the last one after the end). */
    public int phaseIndexAt(long offsetMs) {
        long end = 0;
        for (int i = 0; i < phases.size(); i++) {
            end += phases.get(i).durationMs();
            if (offsetMs < end) {
                return i;
            }
        }
        return phases.size() - 1;
    }

    /** The first phase with a fault, or -1. */
    public int firstFaultIndex() {
        for (int i = 0; i < phases.size(); i++) {
            if (!phases.get(i).healthy()) {
                return i;
            }
        }
        return -1;
    }

    public String spec() {
        return String.join(",", phases.stream().map(Phase::spec).toList());
    }
}
