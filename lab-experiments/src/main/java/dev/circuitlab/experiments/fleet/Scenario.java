package dev.circuitlab.experiments.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What the downstream does over a run: a timeline of phases, each healthy, failing in one way, or
 * failing for one environment only. Every scenario starts healthy, so the fleet is at work before
 * the fault.
 *
 * @param name           the command line's name
 * @param description    one line for the report
 * @param phases         in order; their durations add up to the run's
 * @param shouldStayClosed a breaker should not trip at all (its trips are false trips)
 */
public record Scenario(String name, String description, List<Phase> phases, boolean shouldStayClosed) {

    /** What a call to the downstream does. */
    public enum Outcome { SUCCESS, ERROR, TIMEOUT }

    /** How the downstream behaves during a phase. */
    public enum Mode {
        HEALTHY, TIMEOUT, ERROR,
        /** Each call fails with a 5xx with the phase's probability. */
        RANDOM_ERRORS,
        /** Every call from one environment (the first to take a request in the phase) fails with a 5xx; the rest are healthy. */
        SICK_INSTANCE
    }

    /** @param errorRate for {@link Mode#RANDOM_ERRORS} */
    public record Phase(Mode mode, double errorRate, long durationMs) {

        public static Phase of(Mode mode, long durationMs) {
            return new Phase(mode, 0, durationMs);
        }

        boolean faulty() {
            return mode != Mode.HEALTHY;
        }
    }

    /** The scenarios by name, in report order; {@code quick} ones are shorter. */
    public static Map<String, Scenario> all(boolean quick) {
        Map<String, Scenario> m = new LinkedHashMap<>();
        long lead = quick ? 5_000 : 10_000;
        long fault = quick ? 20_000 : 30_000;
        long tail = quick ? 45_000 : 60_000;
        m.put("outage-timeout", outage("outage-timeout", "the downstream hangs: every call takes the call timeout",
                Mode.TIMEOUT, lead, fault, tail));
        m.put("outage-5xx", outage("outage-5xx", "the downstream answers every call with a 5xx", Mode.ERROR, lead, fault, tail));
        // Ten minutes of noise (one in the quick run): a breaker that trips on noise may take long to show it.
        m.put("noise", new Scenario("noise", "0.5 % of calls fail with a 5xx at random for " + (quick ? "1 minute" : "10 minutes")
                + ": a breaker should never trip",
                List.of(Phase.of(Mode.HEALTHY, lead), new Phase(Mode.RANDOM_ERRORS, 0.005, quick ? 60_000 : 600_000)), true));
        m.put("partial", new Scenario("partial", "30 % of calls fail with a 5xx for " + fault / 1000 + " s",
                List.of(Phase.of(Mode.HEALTHY, lead), new Phase(Mode.RANDOM_ERRORS, 0.30, fault), Phase.of(Mode.HEALTHY, tail)),
                false));
        m.put("sick-instance", new Scenario("sick-instance", "every call from one environment fails with a 5xx, the rest are "
                + "healthy: the fleet should stay closed", List.of(Phase.of(Mode.HEALTHY, lead),
                Phase.of(Mode.SICK_INSTANCE, quick ? 40_000 : 60_000), Phase.of(Mode.HEALTHY, quick ? 15_000 : 20_000)), true));
        List<Phase> flapping = new ArrayList<>();
        flapping.add(Phase.of(Mode.HEALTHY, lead));
        for (int i = 0; i < (quick ? 4 : 6); i++) {
            flapping.add(Phase.of(Mode.ERROR, 5_000));
            flapping.add(Phase.of(Mode.HEALTHY, 5_000));
        }
        flapping.add(Phase.of(Mode.HEALTHY, quick ? 35_000 : 50_000));
        m.put("flapping", new Scenario("flapping", "5 s of 5xx, 5 s healthy, " + (quick ? 4 : 6) + " times", flapping, false));
        m.put("healthy", new Scenario("healthy", "no fault: the cost of the healthy path",
                List.of(Phase.of(Mode.HEALTHY, quick ? 30_000 : 60_000)), true));
        return m;
    }

    private static Scenario outage(String name, String what, Mode mode, long lead, long fault, long tail) {
        return new Scenario(name, what + " for " + fault / 1000 + " s",
                List.of(Phase.of(Mode.HEALTHY, lead), Phase.of(mode, fault), Phase.of(Mode.HEALTHY, tail)), false);
    }

    public long durationMs() {
        return phases.stream().mapToLong(Phase::durationMs).sum();
    }

    /** When the first faulty phase starts, ms; -1 if none. */
    public long faultStartMs() {
        long t = 0;
        for (Phase p : phases) {
            if (p.faulty()) {
                return t;
            }
            t += p.durationMs();
        }
        return -1;
    }

    /** When the last faulty phase ends, ms; -1 if there is none or it lasts to the end of the run. */
    public long faultEndMs() {
        long t = 0;
        long end = -1;
        for (Phase p : phases) {
            t += p.durationMs();
            if (p.faulty()) {
                end = t;
            }
        }
        return end >= durationMs() ? -1 : end;
    }

    /** The phase at {@code micros} (the last one after the end). */
    public Phase phaseAt(long micros) {
        long ms = micros / 1000;
        long t = 0;
        for (Phase p : phases) {
            t += p.durationMs();
            if (ms < t) {
                return p;
            }
        }
        return phases.get(phases.size() - 1);
    }

    /** What a call started at {@code micros} by an environment ({@code sick}: the sick one) does. */
    public Outcome outcome(long micros, boolean sick, RandomGenerator random) {
        Phase p = phaseAt(micros);
        return switch (p.mode()) {
            case HEALTHY -> Outcome.SUCCESS;
            case TIMEOUT -> Outcome.TIMEOUT;
            case ERROR -> Outcome.ERROR;
            case RANDOM_ERRORS -> random.nextDouble() < p.errorRate() ? Outcome.ERROR : Outcome.SUCCESS;
            case SICK_INSTANCE -> sick ? Outcome.ERROR : Outcome.SUCCESS;
        };
    }
}
