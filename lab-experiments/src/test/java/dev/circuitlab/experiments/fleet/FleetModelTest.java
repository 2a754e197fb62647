package dev.circuitlab.experiments.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.breaker.CallOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Lambda fleet: one request per environment, scale-out with cold starts, the concurrency limit, idle reclaim. */
class FleetModelTest {

    /** Permits every call, touches no store, counts what it sees. */
    private static final class PassThrough implements BreakerModel {
        int environments;
        int concurrent;
        int maxConcurrent;

        @Override
        public String id() {
            return "pass-through";
        }

        @Override
        public String label() {
            return "no breaker";
        }

        @Override
        public String settings() {
            return "";
        }

        @Override
        public FleetBreaker newFleet(FleetContext context) {
            return env -> {
                environments++;
                return new EnvironmentBreaker() {
                    private boolean busy;

                    @Override
                    public Decision decide() {
                        if (busy) {
                            throw new AssertionError(env + " got a second request while busy");
                        }
                        busy = true;
                        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
                        return new Decision(true, false, false, null);
                    }

                    @Override
                    public void record(Decision decision, CallOutcome outcome) {
                        busy = false;
                        concurrent--;
                    }
                };
            };
        }
    }

    private static Scenario hanging(long healthyMs, long hangMs, long afterMs) {
        return new Scenario("test", "calls hang", List.of(Scenario.Phase.of(Scenario.Mode.HEALTHY, healthyMs),
                Scenario.Phase.of(Scenario.Mode.TIMEOUT, hangMs), Scenario.Phase.of(Scenario.Mode.HEALTHY, afterMs)), false);
    }

    @Test
    void theFleetScalesOutWithColdStartsWhenEveryEnvironmentIsBusy() {
        PassThrough model = new PassThrough();
        RunResult r = new FleetRun(hanging(5_000, 10_000, 5_000), 100, model, FleetParameters.defaults(), 1).run();
        RunMeters m = r.meters();
        // 100 rps of calls that take 2 s need about 200 environments; the warm start had 15.
        assertEquals(15, FleetRun.prewarmed(100, FleetParameters.DEFAULT_CONCURRENCY_LIMIT));
        assertTrue(m.total(Metric.ENVIRONMENTS) >= 180, "environments: " + m.total(Metric.ENVIRONMENTS));
        assertEquals(model.environments, (long) m.total(Metric.ENVIRONMENTS));
        assertEquals(m.total(Metric.ENVIRONMENTS) - 15, m.total(Metric.COLD_STARTS), "each new environment started cold");
        assertEquals(0, m.total(Metric.LAMBDA_THROTTLES));
        assertEquals(m.total(Metric.ARRIVALS), m.total(Metric.INVOCATIONS));
        assertTrue(model.maxConcurrent <= m.total(Metric.ENVIRONMENTS), "one request per environment at a time");
    }

    @Test
    void aboveTheConcurrencyLimitLambdaThrottles() {
        PassThrough model = new PassThrough();
        RunResult r = new FleetRun(hanging(5_000, 10_000, 5_000), 100, model,
                FleetParameters.defaults().withConcurrencyLimit(50), 1).run();
        RunMeters m = r.meters();
        assertEquals(50, m.total(Metric.ENVIRONMENTS), "never more than the limit");
        assertTrue(m.total(Metric.LAMBDA_THROTTLES) > 500, "429s: " + m.total(Metric.LAMBDA_THROTTLES));
        assertEquals(m.total(Metric.ARRIVALS), m.total(Metric.INVOCATIONS) + m.total(Metric.LAMBDA_THROTTLES));
        assertTrue(model.maxConcurrent <= 50);
    }

    @Test
    void aColdStartDelaysTheRequestThatStartedTheEnvironment() {
        PassThrough model = new PassThrough();
        FleetParameters p = FleetParameters.defaults().withColdStart(Duration.ofSeconds(3), 0);
        RunResult r = new FleetRun(hanging(1_000, 1_000, 6_000), 100, model, p, 1).run();
        double[] arrivals = r.meters().series(Metric.ARRIVALS);
        double[] invocations = r.meters().series(Metric.INVOCATIONS);
        // Second 1's hang needs new environments: their requests start 3 s later, in second 4.
        assertTrue(invocations[1] < arrivals[1] - 50, invocations[1] + " of " + arrivals[1] + " started in second 1");
        assertTrue(invocations[4] > arrivals[4] + 50, invocations[4] + " started in second 4, " + arrivals[4] + " arrived");
        assertEquals(r.meters().total(Metric.ARRIVALS), r.meters().total(Metric.INVOCATIONS), 3.0 * 100 * 0.05,
                "all but the last cold starts ran");
    }

    @Test
    void idleEnvironmentsAreReclaimed() {
        PassThrough model = new PassThrough();
        FleetParameters d = FleetParameters.defaults();
        FleetParameters p = new FleetParameters(d.concurrencyLimit(), Duration.ofSeconds(5), d.coldStartMedian(),
                d.coldStartSpread(), d.downstreamLatency(), d.callTimeout(), d.functionTimeout(), d.storeLatency(),
                d.readUnitsPerSecond(), d.writeUnitsPerSecond(), d.burst(), d.staleReadProbability(), d.staleReadMaxLag());
        RunResult r = new FleetRun(hanging(2_000, 5_000, 20_000), 100, model, p, 1).run();
        double[] envs = r.meters().series(Metric.ENVIRONMENTS);
        double peak = r.meters().peak(Metric.ENVIRONMENTS);
        assertTrue(peak > 150);
        assertTrue(envs[envs.length - 1] < 20, "after the hang, idle environments went: " + envs[envs.length - 1]);
    }
}
