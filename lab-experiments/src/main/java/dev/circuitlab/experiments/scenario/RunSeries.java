package dev.circuitlab.experiments.scenario;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-second series of one run, column by column ({@code name -> one value per second}), the form
 * the JSON file and the charts use. Requests count in the second they were due; concurrency is the
 * maximum (and mean) of the samples within the second; downstream invocations are the counter's
 * increase over the second; the circuit state is the last one read within the second (carried
 * over when none was read).
 */
public final class RunSeries {

    public static final String CIRCUIT_STATE = "circuitState";
    public static final String BYPASSED = "BYPASSED";

    private RunSeries() {
    }

    public static Map<String, List<Object>> perSecond(RunResult run) {
        int seconds = (int) Math.ceil(run.timeline().totalMs() / 1000.0);
        Map<String, List<Object>> cols = new LinkedHashMap<>();
        List<Object> second = column(cols, "second");
        List<Object> phase = column(cols, "phase");
        for (int s = 0; s < seconds; s++) {
            second.add(s);
            phase.add(run.timeline().phases().get(run.timeline().phaseIndexAt(s * 1000L)).mode());
        }
        for (Route route : Route.values()) {
            addRouteColumns(cols, run.records(), route, seconds);
        }
        addTickColumns(cols, run, seconds);
        return cols;
    }

    private static List<Object> column(Map<String, List<Object>> cols, String name) {
        List<Object> c = new ArrayList<>();
        cols.put(name, c);
        return c;
    }

    private static void addRouteColumns(Map<String, List<Object>> cols, List<RequestRecord> records, Route route,
                                        int seconds) {
        List<List<Double>> latencies = new ArrayList<>();
        List<Map<Outcome, Integer>> outcomes = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            latencies.add(new ArrayList<>());
            outcomes.add(new EnumMap<>(Outcome.class));
        }
        for (RequestRecord r : records) {
            if (r.route() != route) {
                continue;
            }
            int s = (int) Math.floor(r.sentOffsetMs() / 1000.0);
            if (s < 0 || s >= seconds) {
                continue;
            }
            outcomes.get(s).merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() != Outcome.DROPPED) {
                latencies.get(s).add(r.latencyMs());
            }
        }
        String p = route.key() + ".";
        List<Object> sent = column(cols, p + "sent");
        Map<Outcome, List<Object>> byOutcome = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            byOutcome.put(o, column(cols, p + o.key()));
        }
        List<Object> p50 = column(cols, p + "p50Ms");
        List<Object> p99 = column(cols, p + "p99Ms");
        List<Object> max = column(cols, p + "maxMs");
        for (int s = 0; s < seconds; s++) {
            Map<Outcome, Integer> o = outcomes.get(s);
            sent.add(o.values().stream().mapToInt(Integer::intValue).sum());
            for (Outcome outcome : Outcome.values()) {
                byOutcome.get(outcome).add(o.getOrDefault(outcome, 0));
            }
            Percentiles.Summary sum = Percentiles.summarize(latencies.get(s).stream().mapToDouble(Double::doubleValue).toArray());
            p50.add(round(sum.p50()));
            p99.add(round(sum.p99()));
            max.add(round(sum.max()));
        }
    }

    private static void addTickColumns(Map<String, List<Object>> cols, RunResult run, int seconds) {
        List<Object> concMax = column(cols, "upstream.concurrencyMax");
        List<Object> concAvg = column(cols, "upstream.concurrencyAvg");
        List<Object> throttles = column(cols, "upstream.runtimeThrottles");
        List<Object> downInv = column(cols, "downstream.invocations");
        List<Object> downConc = column(cols, "downstream.concurrencyMax");
        List<Object> state = column(cols, CIRCUIT_STATE);
        List<Tick> ticks = run.ticks();
        String lastState = run.breakerEnabled() ? "CLOSED" : BYPASSED;
        for (int s = 0; s < seconds; s++) {
            double from = s * 1000.0;
            double to = from + 1000.0;
            int max = 0;
            int dmax = 0;
            double sum = 0;
            int n = 0;
            for (Tick t : ticks) {
                if (t.offsetMs() >= from && t.offsetMs() < to) {
                    max = Math.max(max, t.upstreamConcurrent());
                    dmax = Math.max(dmax, t.downstreamConcurrent());
                    sum += t.upstreamConcurrent();
                    n++;
                    if (t.hasState()) {
                        lastState = t.state();
                    }
                }
            }
            concMax.add(n == 0 ? null : max);
            concAvg.add(n == 0 ? null : round(sum / n));
            downConc.add(n == 0 ? null : dmax);
            Tick start = lastAtOrBefore(ticks, from);
            Tick end = lastAtOrBefore(ticks, to);
            downInv.add(start == null || end == null ? null : end.downstreamInvocations() - start.downstreamInvocations());
            throttles.add(start == null || end == null ? null : end.upstreamThrottles() - start.upstreamThrottles());
            state.add(run.breakerEnabled() ? lastState : BYPASSED);
        }
    }

    /** The last tick at or before {@code offsetMs} (the first one if none is that early). */
    static Tick lastAtOrBefore(List<Tick> ticks, double offsetMs) {
        Tick found = null;
        for (Tick t : ticks) {
            if (t.offsetMs() <= offsetMs) {
                found = t;
            } else {
                break;
            }
        }
        return found != null ? found : (ticks.isEmpty() ? null : ticks.get(0));
    }

    /** The state changes as read: {@code [offsetSeconds, state]} at each change, for a step chart. */
    public static List<List<Object>> stateChanges(RunResult run) {
        List<List<Object>> changes = new ArrayList<>();
        if (!run.breakerEnabled()) {
            changes.add(List.of(0.0, BYPASSED));
            changes.add(List.of(run.timeline().totalMs() / 1000.0, BYPASSED));
            return changes;
        }
        String last = null;
        for (Tick t : run.ticks()) {
            if (t.hasState() && !t.state().equals(last)) {
                changes.add(List.of(round3(t.offsetMs() / 1000.0), t.state()));
                last = t.state();
            }
        }
        if (last != null) {
            changes.add(List.of(run.timeline().totalMs() / 1000.0, last));
        }
        return changes;
    }

    static Object round(double v) {
        if (Double.isNaN(v)) {
            return null;
        }
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
