package dev.circuitlab.experiments.scenario;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The figures the experiment reports (docs/EXPERIMENT.md), computed from one run's raw records and samples.
 * Timing figures are ratios to the run's own call timeout, never absolute thresholds.
 *
 * <p>Windows: "during the outage after the trip" is, with the breaker, from the trip plus one call
 * timeout (calls admitted just before the trip drain by then) until the circuit leaves OPEN or the
 * outage ends; without the breaker, from the outage start plus one call timeout until its end.
 */
public final class ScenarioAnalysis {

    /** p99 of fail-fast /upstream (and of /health) during OPEN must stay within this share of the call timeout. */
    public static final double FAST_SHARE = 0.05;
    /** Without a breaker, /upstream p99 counts as "about the call timeout" within these ratios. */
    public static final double TIMEOUT_RATIO_MIN = 0.9;
    public static final double TIMEOUT_RATIO_MAX = 1.5;
    /** Share of outage seconds at the concurrency limit that counts as saturation. */
    public static final double SATURATED_SHARE = 0.8;
    /** Downstream invocations are counted from this long after the trip (calls admitted before it start by then). */
    static final double TRIP_SETTLE_MS = 250;

    private ScenarioAnalysis() {
    }

    public record Check(String id, String description, boolean pass, String detail) {
    }

    /** Where the first trip happened, and how long the circuit then stayed OPEN (ms offsets). */
    public record Trip(double openedAtMs, double openEndMs, long openedAtEpochMs) {
    }

    public record WindowStats(double fromMs, double toMs, Percentiles.Summary upstream,
                              Map<Outcome, Integer> upstreamOutcomes, Percentiles.Summary health,
                              Map<Outcome, Integer> healthOutcomes, int upstreamConcurrencyMax,
                              int saturatedSeconds, int wholeSeconds, long downstreamInvocations) {

        public double saturatedShare() {
            return wholeSeconds == 0 ? 0 : (double) saturatedSeconds / wholeSeconds;
        }

        public int count(Route route, Outcome o) {
            return (route == Route.UPSTREAM ? upstreamOutcomes : healthOutcomes).getOrDefault(o, 0);
        }

        public int sent(Route route) {
            return (route == Route.UPSTREAM ? upstreamOutcomes : healthOutcomes).values().stream()
                    .mapToInt(Integer::intValue).sum();
        }
    }

    /** Outage = the first phase with a fault: [start, end) in ms offsets. */
    public static double[] outage(RunResult run) {
        int i = run.timeline().firstFaultIndex();
        if (i < 0) {
            return null;
        }
        double start = run.timeline().startOf(i);
        return new double[] {start, start + run.timeline().phases().get(i).durationMs()};
    }

    /** The first OPEN read during the outage, with its open timestamp; empty if the circuit never opened. */
    public static Optional<Trip> trip(RunResult run) {
        double[] out = outage(run);
        if (!run.breakerEnabled() || out == null) {
            return Optional.empty();
        }
        Tick firstOpen = null;
        for (Tick t : run.ticks()) {
            if (t.hasState() && t.offsetMs() >= out[0] && t.state().equals("OPEN")) {
                firstOpen = t;
                break;
            }
        }
        if (firstOpen == null) {
            return Optional.empty();
        }
        double openedAt = firstOpen.openedAt() > 0 ? firstOpen.openedAt() - run.t0EpochMs() : firstOpen.offsetMs();
        double end = run.timeline().totalMs();
        for (Tick t : run.ticks()) {
            if (t.hasState() && t.offsetMs() > firstOpen.offsetMs() && !t.state().equals("OPEN")) {
                end = t.offsetMs();
                break;
            }
        }
        return Optional.of(new Trip(openedAt, end, firstOpen.openedAt()));
    }

    /** The steady-outage window of a run (see the class comment), or null when there is none. */
    public static double[] steadyWindow(RunResult run) {
        double[] out = outage(run);
        if (out == null) {
            return null;
        }
        if (!run.breakerEnabled()) {
            return new double[] {Math.min(out[1], out[0] + run.callTimeoutMs()), out[1]};
        }
        Optional<Trip> trip = trip(run);
        if (trip.isEmpty()) {
            return null;
        }
        double from = Math.min(out[1], trip.get().openedAtMs() + run.callTimeoutMs());
        return new double[] {from, Math.max(from, Math.min(out[1], trip.get().openEndMs()))};
    }

    public static WindowStats window(RunResult run, double fromMs, double toMs) {
        List<Double> up = new ArrayList<>();
        List<Double> health = new ArrayList<>();
        Map<Outcome, Integer> upOut = new EnumMap<>(Outcome.class);
        Map<Outcome, Integer> healthOut = new EnumMap<>(Outcome.class);
        for (RequestRecord r : run.records()) {
            if (r.sentOffsetMs() < fromMs || r.sentOffsetMs() >= toMs) {
                continue;
            }
            boolean isUp = r.route() == Route.UPSTREAM;
            (isUp ? upOut : healthOut).merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() != Outcome.DROPPED) {
                (isUp ? up : health).add(r.latencyMs());
            }
        }
        int concMax = 0;
        Map<Integer, Integer> perSecondMax = new LinkedHashMap<>();
        for (Tick t : run.ticks()) {
            if (t.offsetMs() >= fromMs && t.offsetMs() < toMs) {
                concMax = Math.max(concMax, t.upstreamConcurrent());
            }
            int s = (int) Math.floor(t.offsetMs() / 1000);
            if (s * 1000.0 >= fromMs && (s + 1) * 1000.0 <= toMs) {
                perSecondMax.merge(s, t.upstreamConcurrent(), Math::max);
            }
        }
        int saturated = (int) perSecondMax.values().stream().filter(m -> m >= run.upstreamConcurrencyLimit()).count();
        Tick a = RunSeries.lastAtOrBefore(run.ticks(), fromMs);
        Tick b = RunSeries.lastAtOrBefore(run.ticks(), toMs);
        long downstream = a == null || b == null ? 0 : b.downstreamInvocations() - a.downstreamInvocations();
        return new WindowStats(fromMs, toMs, Percentiles.summarize(toArray(up)), upOut,
                Percentiles.summarize(toArray(health)), healthOut, concMax, saturated, perSecondMax.size(), downstream);
    }

    /**
     * Downstream invocations while the stored circuit read OPEN: from shortly after the trip to the
     * last sample that still read OPEN. Each sample reads the counters before the item, so a probe
     * (which needs the item to leave OPEN first) cannot be counted inside. -1 without a trip.
     */
    public static long downstreamInvocationsWhileOpen(RunResult run) {
        Optional<Trip> trip = trip(run);
        if (trip.isEmpty()) {
            return -1;
        }
        double from = trip.get().openedAtMs() + TRIP_SETTLE_MS;
        Tick first = null;
        Tick lastOpen = null;
        for (Tick t : run.ticks()) {
            if (t.offsetMs() >= from && t.offsetMs() < trip.get().openEndMs()) {
                if (first == null) {
                    first = t;
                }
                if (t.hasState() && t.state().equals("OPEN")) {
                    lastOpen = t;
                }
            }
        }
        if (first == null || lastOpen == null || lastOpen.offsetMs() < first.offsetMs()) {
            return 0;
        }
        return lastOpen.downstreamInvocations() - first.downstreamInvocations();
    }

    /** The healthy phase before the outage, without its first second (cold environments). */
    public static WindowStats baseline(RunResult run) {
        double[] out = outage(run);
        double end = out == null ? run.timeline().totalMs() : out[0];
        return window(run, Math.min(1000, end / 2), end);
    }

    /**
     * The healthy phase after the outage, once the run has recovered: with the breaker, from one
     * second after the circuit closed again; without, from one call timeout after the fault ended.
     * Null if the run never recovers before its end.
     */
    public static double[] recoveredWindow(RunResult run) {
        double[] out = outage(run);
        if (out == null) {
            return null;
        }
        double from = out[1] + run.callTimeoutMs();
        if (run.breakerEnabled()) {
            Optional<Double> closed = closedAgainAt(run);
            if (closed.isEmpty()) {
                return null;
            }
            from = Math.max(out[1], closed.get()) + 1000;
        }
        double end = run.timeline().totalMs();
        return from < end ? new double[] {from, end} : null;
    }

    /** When the item first read CLOSED again after the trip (ms offset). */
    public static Optional<Double> closedAgainAt(RunResult run) {
        Optional<Trip> trip = trip(run);
        if (trip.isEmpty()) {
            return Optional.empty();
        }
        for (Tick t : run.ticks()) {
            if (t.hasState() && t.offsetMs() >= trip.get().openEndMs() && t.state().equals("CLOSED")) {
                return Optional.of(t.offsetMs());
            }
        }
        return Optional.empty();
    }

    /** The numbers the README and the summary quote, by name (ms, counts, ratios). */
    public static Map<String, Object> headline(RunResult run) {
        Map<String, Object> h = new LinkedHashMap<>();
        WindowStats base = baseline(run);
        h.put("healthyUpstreamP50Ms", r1(base.upstream().p50()));
        h.put("healthyUpstreamP99Ms", r1(base.upstream().p99()));
        h.put("healthyHealthP99Ms", r1(base.health().p99()));
        double[] rec = recoveredWindow(run);
        if (rec != null) {
            WindowStats after = window(run, rec[0], rec[1]);
            h.put("recoveredFromS", r1(rec[0] / 1000));
            h.put("recoveredUpstreamP50Ms", r1(after.upstream().p50()));
            h.put("recoveredUpstreamP99Ms", r1(after.upstream().p99()));
            h.put("recoveredUpstreamOkShare", r3((double) after.count(Route.UPSTREAM, Outcome.OK)
                    / Math.max(1, after.sent(Route.UPSTREAM))));
        }
        double[] out = outage(run);
        if (out != null) {
            WindowStats whole = window(run, out[0], out[1]);
            h.put("outageDownstreamInvocations", whole.downstreamInvocations());
            h.put("outageUpstreamSent", whole.sent(Route.UPSTREAM));
            h.put("outageUpstreamOk", whole.count(Route.UPSTREAM, Outcome.OK));
            h.put("outageUpstreamFast503", whole.count(Route.UPSTREAM, Outcome.FAST_503));
            h.put("outageUpstreamThrottled", whole.count(Route.UPSTREAM, Outcome.THROTTLED));
            h.put("outageUpstreamTimedOut", whole.count(Route.UPSTREAM, Outcome.TIMED_OUT));
            h.put("outageHealthThrottled", whole.count(Route.HEALTH, Outcome.THROTTLED));
            h.put("outageUpstreamConcurrencyMax", whole.upstreamConcurrencyMax());
        }
        trip(run).ifPresent(t -> {
            h.put("tripAfterFaultMs", Math.round(t.openedAtMs() - out[0]));
            h.put("openUntilMs", Math.round(t.openEndMs()));
            h.put("downstreamInvocationsWhileOpen", downstreamInvocationsWhileOpen(run));
        });
        closedAgainAt(run).ifPresent(c -> h.put("closedAfterFaultEndedMs", Math.round(c - out[1])));
        double[] w = steadyWindow(run);
        if (w != null) {
            WindowStats s = window(run, w[0], w[1]);
            h.put("windowFromS", r1(w[0] / 1000));
            h.put("windowToS", r1(w[1] / 1000));
            h.put("windowUpstreamP50Ms", r1(s.upstream().p50()));
            h.put("windowUpstreamP99Ms", r1(s.upstream().p99()));
            h.put("windowUpstreamP99OfCallTimeout", r3(s.upstream().p99() / run.callTimeoutMs()));
            h.put("windowUpstreamFast503", s.count(Route.UPSTREAM, Outcome.FAST_503));
            h.put("windowUpstreamThrottled", s.count(Route.UPSTREAM, Outcome.THROTTLED));
            h.put("windowUpstreamTimedOut", s.count(Route.UPSTREAM, Outcome.TIMED_OUT));
            h.put("windowUpstreamSent", s.sent(Route.UPSTREAM));
            h.put("windowHealthSent", s.sent(Route.HEALTH));
            h.put("windowHealthOk", s.count(Route.HEALTH, Outcome.OK));
            h.put("windowHealthThrottled", s.count(Route.HEALTH, Outcome.THROTTLED));
            h.put("windowHealthP50Ms", r1(s.health().p50()));
            h.put("windowHealthP99Ms", r1(s.health().p99()));
            h.put("windowUpstreamConcurrencyMax", s.upstreamConcurrencyMax());
            h.put("windowSaturatedSeconds", s.saturatedSeconds());
            h.put("windowWholeSeconds", s.wholeSeconds());
            h.put("windowDownstreamInvocations", s.downstreamInvocations());
        }
        h.put("maxDispatchLagMs", r1(run.maxDispatchLagMs()));
        h.put("droppedByClientCap", run.records().stream().filter(r -> r.outcome() == Outcome.DROPPED).count());
        return h;
    }

    /** Acceptance item 1, as PASS/FAIL lines. */
    public static List<Check> checks(RunResult on, RunResult off) {
        List<Check> checks = new ArrayList<>();
        long timeout = on.callTimeoutMs();
        double[] wOn = steadyWindow(on);
        if (wOn == null || wOn[1] <= wOn[0]) {
            String why = trip(on).isEmpty() ? "the circuit never opened during the outage" : "the OPEN window is empty";
            checks.add(new Check("on.upstream-p99", "breaker on: /upstream p99 while OPEN <= 5% of call timeout", false, why));
            checks.add(new Check("on.no-downstream", "breaker on: zero downstream invocations while OPEN", false, why));
            checks.add(new Check("on.health", "breaker on: /health unaffected while OPEN", false, why));
        } else {
            WindowStats s = window(on, wOn[0], wOn[1]);
            double p99 = s.upstream().p99();
            checks.add(new Check("on.upstream-p99", "breaker on: /upstream p99 while OPEN <= 5% of call timeout",
                    s.upstream().count() > 0 && p99 <= FAST_SHARE * timeout,
                    fmt("p99 %.1f ms = %.2f%% of %d ms (%d requests, %d fast 503) in %.1f-%.1f s", p99,
                            100 * p99 / timeout, timeout, s.upstream().count(), s.count(Route.UPSTREAM, Outcome.FAST_503),
                            wOn[0] / 1000, wOn[1] / 1000)));
            long down = downstreamInvocationsWhileOpen(on);
            checks.add(new Check("on.no-downstream", "breaker on: zero downstream invocations while OPEN", down == 0,
                    down + " downstream invocations while the item read OPEN"));
            int healthSent = s.sent(Route.HEALTH);
            int healthOk = s.count(Route.HEALTH, Outcome.OK);
            double hp99 = s.health().p99();
            checks.add(new Check("on.health", "breaker on: /health unaffected while OPEN (all 2xx, p99 <= 5% of call timeout)",
                    healthSent > 0 && healthOk == healthSent && hp99 <= FAST_SHARE * timeout,
                    fmt("%d/%d ok, p99 %.1f ms = %.2f%% of call timeout", healthOk, healthSent, hp99, 100 * hp99 / timeout)));
        }
        double[] wOff = steadyWindow(off);
        if (wOff == null || wOff[1] <= wOff[0]) {
            checks.add(new Check("off.window", "breaker off: an outage window exists", false, "the timeline has no fault phase"));
        } else {
            WindowStats s = window(off, wOff[0], wOff[1]);
            double p99 = s.upstream().p99();
            double ratio = p99 / off.callTimeoutMs();
            checks.add(new Check("off.upstream-p99", "breaker off: /upstream p99 ~ call timeout (0.9-1.5x)",
                    ratio >= TIMEOUT_RATIO_MIN && ratio <= TIMEOUT_RATIO_MAX,
                    fmt("p99 %.1f ms = %.2fx the call timeout (%d ms); %d timed out, %d throttled of %d", p99, ratio,
                            off.callTimeoutMs(), s.count(Route.UPSTREAM, Outcome.TIMED_OUT),
                            s.count(Route.UPSTREAM, Outcome.THROTTLED), s.sent(Route.UPSTREAM))));
            checks.add(new Check("off.saturated", "breaker off: upstream concurrency saturates (at the limit >= 80% of outage seconds)",
                    s.saturatedShare() >= SATURATED_SHARE,
                    fmt("at the limit (%d) in %d of %d seconds; max %d", off.upstreamConcurrencyLimit(),
                            s.saturatedSeconds(), s.wholeSeconds(), s.upstreamConcurrencyMax())));
            int throttled = s.count(Route.HEALTH, Outcome.THROTTLED);
            double hp99 = s.health().p99();
            checks.add(new Check("off.health", "breaker off: /health throttled or slow",
                    throttled > 0 || hp99 > FAST_SHARE * off.callTimeoutMs(),
                    fmt("%d of %d throttled (429), p99 %.1f ms", throttled, s.sent(Route.HEALTH), hp99)));
        }
        return checks;
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static Object r1(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
    }

    static Object r3(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
    }
}
