package dev.circuitlab.experiments.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Synthetic runs for the pure parts: a 10 s timeline, healthy 2 s / timeout 6 s / healthy 2 s. */
final class Fixtures {

    static final Timeline TIMELINE = Timeline.parse("healthy:2s,timeout:6s,healthy:2s");
    static final long CALL_TIMEOUT = 2000;

    private Fixtures() {
    }

    /**
     * Breaker on: trips at 3.0 s (item read OPEN from 3.0 s, openedAt = t0 + 3000), fast 503s after,
     * no downstream calls while OPEN; /health always fine.
     */
    static RunResult breakerOn(long downstreamCallsWhileOpen) {
        long t0 = 1_000_000L;
        List<RequestRecord> records = new ArrayList<>();
        List<Tick> ticks = new ArrayList<>();
        for (int ms = 0; ms < 10_000; ms += 50) {
            if (ms < 2000) {
                records.add(new RequestRecord(Route.UPSTREAM, ms, 5, 200, Outcome.OK));
            } else if (ms < 3000) {
                records.add(new RequestRecord(Route.UPSTREAM, ms, 2000, 504, Outcome.TIMED_OUT));
            } else {
                records.add(new RequestRecord(Route.UPSTREAM, ms, 3 + (ms % 7), 503, Outcome.FAST_503));
            }
            if (ms % 200 == 0) {
                records.add(new RequestRecord(Route.HEALTH, ms, 2, 200, Outcome.OK));
            }
        }
        long down = 0;
        for (int ms = 0; ms <= 10_000; ms += 20) {
            boolean open = ms >= 3000;
            if (!open) {
                down += 1;
            } else if (ms == 6000) {
                down += downstreamCallsWhileOpen;
            }
            boolean stateTick = ms % 200 == 0;
            ticks.add(new Tick(ms, open ? 1 : (ms >= 2000 ? 10 : 2), 0, ms / 20, down, 0,
                    stateTick ? (open ? "OPEN" : "CLOSED") : null, stateTick && open ? t0 + 3000 : 0,
                    stateTick && open ? t0 + 33_000 : 0));
        }
        return new RunResult("breaker-on", "Breaker ON", true, Map.of("BreakerEnabled", "true"), CALL_TIMEOUT, 10,
                TIMELINE, t0, records, ticks, List.of(new RunResult.FaultChange(2000, "timeout", 200)), 1.5);
    }

    /** Breaker off: from 2 s, upstream saturated at 10, /upstream 504 after 2 s or 429; /health throttled. */
    static RunResult breakerOff() {
        List<RequestRecord> records = new ArrayList<>();
        List<Tick> ticks = new ArrayList<>();
        for (int ms = 0; ms < 10_000; ms += 50) {
            boolean outage = ms >= 2000 && ms < 8000;
            if (!outage) {
                records.add(new RequestRecord(Route.UPSTREAM, ms, 3, 200, Outcome.OK));
            } else if (ms % 200 == 0) {
                records.add(new RequestRecord(Route.UPSTREAM, ms, 2004, 504, Outcome.TIMED_OUT));
            } else {
                records.add(new RequestRecord(Route.UPSTREAM, ms, 1, 429, Outcome.THROTTLED));
            }
            if (ms % 200 == 0) {
                records.add(outage ? new RequestRecord(Route.HEALTH, ms, 1, 429, Outcome.THROTTLED)
                        : new RequestRecord(Route.HEALTH, ms, 2, 200, Outcome.OK));
            }
        }
        for (int ms = 0; ms <= 10_000; ms += 20) {
            boolean outage = ms >= 2000 && ms < 8000;
            ticks.add(new Tick(ms, outage ? 10 : 1, outage ? ms / 10 : 0, ms / 20, ms / 40, 0, null, 0, 0));
        }
        return new RunResult("breaker-off", "Breaker OFF", false, Map.of("BreakerEnabled", "false"), CALL_TIMEOUT, 10,
                TIMELINE, 0, records, ticks, List.of(), 0.5);
    }
}
