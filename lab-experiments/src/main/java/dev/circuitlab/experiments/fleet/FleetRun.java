package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.breaker.FailureReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One run: one breaker algorithm, one scenario, one request rate. A discrete-event simulation on a
 * virtual clock (microseconds): Poisson arrivals, a Lambda fleet (one request per environment at a
 * time, LIFO reuse of idle environments, cold starts, a concurrency limit, idle reclaim), the
 * downstream of the scenario, and the algorithm's breaker in every environment against the
 * {@link SimulatedDynamoDb}. Each environment has at most one pending event, so the event queue is
 * a heap of environments; memory stays bounded by the fleet's size and the run's seconds.
 *
 * <p>Same seed, same run: every random draw comes from streams split off one seed (arrivals and
 * the downstream from streams that do not depend on the algorithm, so all three see the same
 * requests at the same times).
 */
public final class FleetRun {

    /** What an environment's pending event does. */
    enum Step { START, CALL_DONE, FREE }

    static final String CIRCUIT_ID = "downstream";
    /**
     * How often the share of rejecting environments is measured: over the environments that decided
     * within the last tick, the share whose last decision was a rejection.
     */
    static final long REJECTING_TICK_MICROS = 50_000;
    /** A healthy request keeps an environment about this long (breaker plus downstream), for the warm start. */
    static final double HEALTHY_SECONDS_PER_REQUEST = 0.03;

    private final Scenario scenario;
    private final double rps;
    private final BreakerModel model;
    private final FleetParameters p;
    private final long endMicros;
    private final RunMeters meters;
    private final ItemCapacity capacity;
    private final SimulatedDynamoDb db;
    private final SplittableRandom arrivals;
    private final SplittableRandom downstream;
    private final SplittableRandom fleetRandom;
    private final BreakerModel.FleetBreaker fleet;
    private final LatencyHistogram breakerLatency = new LatencyHistogram();

    private final List<Environment> live = new ArrayList<>();
    private final ArrayDeque<Environment> idle = new ArrayDeque<>();
    private Environment[] heap = new Environment[64];
    private int heapSize;
    private long seq;
    private int nextId;
    private long now;

    private Environment sick;
    /** Whether any phase makes one instance sick (else no invocation need look up its phase for it). */
    private final boolean hasSickPhase;
    private SharedState shared = SharedState.CLOSED;
    private int probesInFlight;
    private long firstFailureAt = -1;
    private long firstTripAfterFailureAt = -1;
    private long fleetRejectingAt = -1;
    private int trips;
    private SharedState stateAtFaultEnd;
    private long firstCloseAfterFaultEnd = -1;
    private final long faultEndMicros;

    public FleetRun(Scenario scenario, double rps, BreakerModel model, FleetParameters parameters, long seed) {
        if (!(rps > 0)) {
            throw new IllegalArgumentException("rps must be > 0");
        }
        this.scenario = scenario;
        this.hasSickPhase = scenario.phases().stream().anyMatch(ph -> ph.mode() == Scenario.Mode.SICK_INSTANCE);
        this.rps = rps;
        this.model = model;
        this.p = parameters;
        this.endMicros = scenario.durationMs() * 1000;
        int seconds = (int) ((endMicros + 999_999) / 1_000_000);
        this.meters = new RunMeters(seconds);
        this.capacity = new ItemCapacity(p.readUnitsPerSecond(), p.writeUnitsPerSecond(), p.burst(), seconds + 60);
        SplittableRandom root = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ scenario.name().hashCode() * 31L
                ^ Double.hashCode(rps));
        this.arrivals = root.split();
        this.downstream = root.split();
        this.fleetRandom = root.split();
        this.db = new SimulatedDynamoDb(capacity, meters, p, root.split());
        long faultEnd = scenario.faultEndMs();
        this.faultEndMicros = faultEnd < 0 ? -1 : faultEnd * 1000;
        this.fleet = model.newFleet(new FleetContext() {
            @Override
            public String circuitId() {
                return CIRCUIT_ID;
            }

            @Override
            public SimulatedDynamoDb dynamoDb() {
                return db;
            }

            @Override
            public void sharedStateChanged(long atMicros, SharedState state) {
                changed(atMicros, state);
            }
        });
    }

    public RunResult run() {
        for (int i = 0, n = prewarmed(rps, p.concurrencyLimit()); i < n; i++) {
            Environment env = newEnvironment();
            init(env, 0);
            release(env, 0);
        }
        double arrivalClock = 0;
        long nextArrival = 0;
        long nextRejectingTick = REJECTING_TICK_MICROS;
        long nextSecond = 0;
        while (true) {
            long eventAt = heapSize > 0 ? heap[0].eventTime : Long.MAX_VALUE;
            long tickAt = Math.min(nextRejectingTick, nextSecond);
            long t = Math.min(Math.min(nextArrival, eventAt), tickAt);
            if (t >= endMicros) {
                break;
            }
            now = t;
            if (tickAt == t) {
                if (nextSecond == t) {
                    everySecond(t);
                    nextSecond += 1_000_000;
                } else {
                    measureRejecting(t);
                    nextRejectingTick += REJECTING_TICK_MICROS;
                }
            } else if (eventAt <= nextArrival) {
                Environment env = pop();
                switch (env.next) {
                    case START -> startInvocation(env, t);
                    case CALL_DONE -> callDone(env, t);
                    case FREE -> release(env, t);
                }
            } else {
                arrive(t);
                arrivalClock += -Math.log(1 - arrivals.nextDouble()) / rps * 1e6;
                nextArrival = Math.max(nextArrival + 1, (long) arrivalClock);
            }
        }
        return result();
    }

    // ---------------------------------------------------------------- the fleet

    /** The fleet starts warm: the healthy load's mean concurrency plus four standard deviations and a few more. */
    static int prewarmed(double rps, int limit) {
        double meanBusy = rps * HEALTHY_SECONDS_PER_REQUEST;
        return (int) Math.min(limit, Math.ceil(meanBusy + 4 * Math.sqrt(meanBusy) + 5));
    }

    private void arrive(long t) {
        meters.add(Metric.ARRIVALS, t, 1);
        Environment env = idle.pollFirst();
        if (env == null) {
            if (live.size() >= p.concurrencyLimit()) {
                meters.add(Metric.LAMBDA_THROTTLES, t, 1);
                return;
            }
            env = newEnvironment();
        }
        meters.max(Metric.BUSY, t, live.size() - idle.size());
        env.arrivedAt = t;
        if (env.needsInit) {
            meters.add(Metric.COLD_STARTS, t, 1);
            long median = p.coldStartMedian().toNanos() / 1000;
            long coldStart = (long) (median * (1 + p.coldStartSpread() * (2 * fleetRandom.nextDouble() - 1)));
            schedule(env, t + coldStart, Step.START);
        } else {
            startInvocation(env, t);
        }
    }

    private Environment newEnvironment() {
        Environment env = new Environment(nextId++);
        live.add(env);
        meters.max(Metric.ENVIRONMENTS, now, live.size());
        return env;
    }

    private void init(Environment env, long t) {
        env.now = t;
        env.breaker = fleet.newEnvironment(env);
        env.needsInit = false;
    }

    private void startInvocation(Environment env, long t) {
        if (env.needsInit) {
            init(env, t);
        }
        meters.add(Metric.INVOCATIONS, t, 1);
        if (sick == null && hasSickPhase && scenario.phaseAt(t).mode() == Scenario.Mode.SICK_INSTANCE) {
            sick = env;
        }
        env.now = t;
        env.deadline = env.arrivedAt + p.functionTimeout().toNanos() / 1000;
        Decision d;
        try {
            d = env.breaker.decide();
        } catch (InvocationTimedOutException e) {
            timedOut(env);
            return;
        }
        env.breakerMicros = env.now - t;
        env.decision = d;
        env.lastDecisionAt = env.now;
        env.lastDecisionRejected = !d.permitted();
        if (d.withoutStore()) {
            meters.add(Metric.FALLBACK_DECISIONS, env.now, 1);
        }
        if (!d.permitted()) {
            meters.add(Metric.REJECTED, env.now, 1);
            finish(env, t);
            return;
        }
        meters.add(Metric.PERMITTED, env.now, 1);
        long start = env.now;
        meters.add(Metric.DOWNSTREAM_CALLS, start, 1);
        if (d.probe()) {
            meters.add(Metric.PROBES, start, 1);
            probesInFlight++;
            meters.max(Metric.PROBES_IN_FLIGHT, start, probesInFlight);
        } else if (shared == SharedState.OPEN) {
            meters.add(Metric.CALLS_WHILE_OPEN, start, 1);
        }
        Scenario.Outcome outcome = scenario.outcome(start, env == sick, downstream);
        long callTimeout = p.callTimeout().toNanos() / 1000;
        long duration = outcome == Scenario.Outcome.TIMEOUT ? callTimeout : p.downstreamLatency().sampleMicros(downstream);
        if (duration >= callTimeout) {
            duration = callTimeout;
            outcome = Scenario.Outcome.TIMEOUT;
        }
        env.outcome = outcome;
        schedule(env, start + duration, Step.CALL_DONE);
    }

    private void callDone(Environment env, long t) {
        env.now = t;
        if (env.decision.probe()) {
            probesInFlight--;
        }
        CallOutcome outcome = switch (env.outcome) {
            case SUCCESS -> CallOutcome.success();
            case ERROR -> CallOutcome.failure(FailureReason.ERROR);
            case TIMEOUT -> CallOutcome.failure(FailureReason.TIMEOUT);
        };
        if (!outcome.isSuccess()) {
            meters.add(Metric.DOWNSTREAM_FAILURES, t, 1);
            if (firstFailureAt < 0) {
                firstFailureAt = t;
            }
        }
        try {
            env.breaker.record(env.decision, outcome);
        } catch (InvocationTimedOutException e) {
            timedOut(env);
            return;
        }
        env.breakerMicros += env.now - t;
        finish(env, t);
    }

    /** The invocation is over at the environment's time: free from then. */
    private void finish(Environment env, long t) {
        breakerLatency.record(env.breakerMicros);
        if (env.now > t) {
            schedule(env, env.now, Step.FREE);
        } else {
            release(env, t);
        }
    }

    /** Lambda stopped the invocation at its deadline; the runtime restarts, so the next request initialises afresh. */
    private void timedOut(Environment env) {
        meters.add(Metric.KILLED, env.deadline, 1);
        long at = env.deadline;
        env.reset();
        env.now = at;
        schedule(env, Math.max(at, now), Step.FREE);
    }

    private void release(Environment env, long t) {
        env.idleSince = t;
        idle.addFirst(env);
    }

    private void everySecond(long t) {
        capacity.advanceTo(t);
        meters.max(Metric.SHARED_STATE, t, shared.gauge());
        meters.max(Metric.ENVIRONMENTS, t, live.size());
        long reclaimBefore = t - p.idleReclaim().toNanos() / 1000;
        while (!idle.isEmpty() && idle.peekLast().idleSince < reclaimBefore) {
            live.remove(idle.pollLast());
        }
    }

    private void measureRejecting(long t) {
        int active = 0;
        int rejecting = 0;
        long since = t - REJECTING_TICK_MICROS;
        for (Environment env : live) {
            if (env.lastDecisionAt >= since) {
                active++;
                if (env.lastDecisionRejected) {
                    rejecting++;
                }
            }
        }
        if (active == 0) {
            return;
        }
        double percent = 100.0 * rejecting / active;
        meters.max(Metric.REJECTING_PERCENT, t, percent);
        if (firstFailureAt >= 0 && fleetRejectingAt < 0 && percent >= 99) {
            fleetRejectingAt = t;
        }
    }

    private void changed(long at, SharedState state) {
        if (state == shared) {
            return;
        }
        if (faultEndMicros >= 0 && stateAtFaultEnd == null && at >= faultEndMicros) {
            stateAtFaultEnd = shared;
        }
        shared = state;
        meters.max(Metric.SHARED_STATE, at, state.gauge());
        if (state == SharedState.OPEN) {
            trips++;
            if (firstFailureAt >= 0 && firstTripAfterFailureAt < 0) {
                firstTripAfterFailureAt = at;
            }
        }
        if (state == SharedState.CLOSED && faultEndMicros >= 0 && at >= faultEndMicros && firstCloseAfterFaultEnd < 0) {
            firstCloseAfterFaultEnd = at;
        }
    }

    // ---------------------------------------------------------------- the event heap (one event per environment)

    private void schedule(Environment env, long at, Step step) {
        env.eventTime = at;
        env.eventSeq = seq++;
        env.next = step;
        if (heapSize == heap.length) {
            heap = java.util.Arrays.copyOf(heap, heapSize * 2);
        }
        heap[heapSize] = env;
        siftUp(heapSize++);
    }

    private Environment pop() {
        Environment top = heap[0];
        heap[0] = heap[--heapSize];
        heap[heapSize] = null;
        if (heapSize > 0) {
            siftDown(0);
        }
        return top;
    }

    private static boolean before(Environment a, Environment b) {
        return a.eventTime < b.eventTime || (a.eventTime == b.eventTime && a.eventSeq < b.eventSeq);
    }

    private void siftUp(int i) {
        Environment e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(e, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = e;
    }

    private void siftDown(int i) {
        Environment e = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], e)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = e;
    }

    // ---------------------------------------------------------------- figures

    private RunResult result() {
        if (faultEndMicros >= 0 && stateAtFaultEnd == null) {
            stateAtFaultEnd = shared;
        }
        Long closeAfterFaultEnd = null;
        if (faultEndMicros >= 0 && trips > 0) {
            if (stateAtFaultEnd == SharedState.CLOSED) {
                closeAfterFaultEnd = 0L;
            } else if (firstCloseAfterFaultEnd >= 0) {
                closeAfterFaultEnd = (firstCloseAfterFaultEnd - faultEndMicros) / 1000;
            }
        }
        return new RunResult(model.id(), scenario, rps, meters, breakerLatency.percentileMicros(0.50),
                breakerLatency.percentileMicros(0.99),
                firstFailureAt < 0 || firstTripAfterFailureAt < 0 ? null : (firstTripAfterFailureAt - firstFailureAt) / 1000,
                firstFailureAt < 0 || fleetRejectingAt < 0 ? null : (fleetRejectingAt - firstFailureAt) / 1000,
                trips, closeAfterFaultEnd, faultEndMicros >= 0 && trips > 0 && shared != SharedState.CLOSED);
    }
}
