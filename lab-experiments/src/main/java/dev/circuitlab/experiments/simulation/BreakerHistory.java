package dev.circuitlab.experiments.simulation;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.breaker.CircuitBreaker;
import dev.circuitlab.breaker.CircuitBreakerConfig;
import dev.circuitlab.breaker.CircuitBreakerListener;
import dev.circuitlab.breaker.CircuitSnapshot;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.CircuitStateStoreException;
import dev.circuitlab.breaker.FailureReason;
import dev.circuitlab.breaker.Permission;
import dev.circuitlab.breaker.StoreFailurePolicy;
import dev.circuitlab.breaker.Transition;
import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One seeded history of the real breaker: a fleet of environments (each its own
 * {@link CircuitBreaker}, clock with bounded skew and drift, and view of the shared store) over one
 * shared item, driven by a seeded scheduler. Time is virtual. At every store request another
 * environment may take a step first, and a seeded fault may strike (see {@link SimulatedStore});
 * environments are frozen and thawed, killed mid-call (a probe that never reports), and operators
 * act now and then. The invariants of docs/DESIGN.md §4 are checked after every step; the history
 * ends with a recovery phase (store healed, downstream healthy) that must close the circuit.
 *
 * <p>Same seed, same history: everything random comes from one {@link SplittableRandom}.
 */
public final class BreakerHistory implements SimulatedStore.World {

    static final long T0 = 1_800_000_000_000L;
    static final String CIRCUIT = "simulated";
    /** Lost races one breaker operation re-reads before giving up (the breaker's own limit). */
    private static final int RACE_RETRIES = 4;
    private static final int TRACE_LINES = 400;
    /** Of the lost answers, the share whose SDK retries fail as well: applied, and the caller sees an error. */
    private static final double APPLIED_THEN_ERROR_SHARE = 0.3;

    /** A violated invariant, with the replay command and the history's last events. */
    public record Violation(long seed, int step, String invariant, List<String> trace) {
        public String replayCommand() {
            return "./lab torture --seed " + seed + " --trace";
        }
    }

    private final long seed;
    private final int steps;
    private final SplittableRandom random;
    private final CircuitStateStore shared;
    private final Policy policy;
    private final List<Environment> fleet = new ArrayList<>();
    private final List<long[]> orphanProbes = new ArrayList<>(); // {issuedAt, callEndsAt} of probes whose environment died
    private final Deque<String> trace = new ArrayDeque<>();
    private final boolean keepWholeTrace;
    private final Map<Transition, Integer> reported = new IdentityHashMap<>();
    private final Map<Transition, Boolean> appliedTransitions = new IdentityHashMap<>();
    private final Map<Transition, Boolean> allowedUnreported = new IdentityHashMap<>();
    /** Per environment: a transition it wrote whose every answer was lost, until its next read. */
    private final Map<Integer, CircuitSnapshot> awaitingVerification = new java.util.HashMap<>();

    private long now = T0;
    private int step;
    private int depth;
    private boolean recovering;
    private long lastVersion;
    private long openSince = -1;
    /** True time of the last transition into CLOSED: probes issued before it are ordinary calls of a closed circuit. */
    private long closedAt = Long.MIN_VALUE;
    private Violation violation;

    /** The seeded choices of one history: breaker settings, downstream behaviour, store faults. */
    private record Policy(CircuitBreakerConfig config, int environments, String downstream, double failureRate,
                          long flapPeriodMs, double lostRate, double errorRate, double slowRate, long downFrom,
                          long downUntil, double interleaveRate) {

        static Policy draw(SplittableRandom r) {
            long callTimeout = 100 + r.nextLong(1_900);
            long skew = new long[] {0, 200, 500, 1_000}[r.nextInt(4)];
            CircuitBreakerConfig.Builder b = CircuitBreakerConfig.builder()
                    .failureThreshold(1 + r.nextInt(5))
                    .failureWindow(Duration.ofMillis(new long[] {2_000, 10_000, 60_000}[r.nextInt(3)]))
                    .openDuration(Duration.ofMillis(500 + r.nextLong(4_500)))
                    .halfOpenProbes(1 + r.nextInt(3))
                    .successThreshold(1 + r.nextInt(3))
                    .callTimeout(Duration.ofMillis(callTimeout))
                    .maxClockSkew(Duration.ofMillis(skew))
                    .refreshInterval(Duration.ofMillis(new long[] {0, 0, 200, 1_000}[r.nextInt(4)]))
                    .flushInterval(Duration.ofMillis(new long[] {0, 0, 200, 1_000}[r.nextInt(4)]))
                    .storeFailurePolicy(r.nextInt(4) == 0 ? StoreFailurePolicy.FAIL_CLOSED : StoreFailurePolicy.FAIL_OPEN);
            if (r.nextBoolean()) {
                b.openBackoffMultiplier(2).maxOpenDuration(Duration.ofSeconds(20));
            }
            if (r.nextBoolean()) {
                b.probeLease(Duration.ofMillis(callTimeout + skew + 100 + r.nextLong(1_000)));
            }
            String[] modes = {"healthy", "failing", "flapping", "random"};
            String mode = modes[r.nextInt(modes.length)];
            boolean faulty = r.nextInt(10) >= 3;
            long downFrom = faulty && r.nextInt(3) == 0 ? T0 + r.nextLong(30_000) : 0;
            return new Policy(b.build(), 2 + r.nextInt(5), mode, r.nextDouble(), 1_000 + r.nextLong(9_000),
                    faulty ? r.nextDouble() * 0.08 : 0, faulty ? r.nextDouble() * 0.05 : 0,
                    faulty ? r.nextDouble() * 0.1 : 0, downFrom, downFrom == 0 ? 0 : downFrom + 1_000 + r.nextLong(9_000),
                    r.nextDouble() * 0.4);
        }
    }

    public BreakerHistory(long seed, int steps, Supplier<CircuitStateStore> storeFactory, boolean keepWholeTrace) {
        this.seed = seed;
        this.steps = steps;
        this.random = new SplittableRandom(seed);
        this.shared = storeFactory.get();
        this.policy = Policy.draw(random);
        this.keepWholeTrace = keepWholeTrace;
    }

    /** A history over the breaker's own in-memory store. */
    public BreakerHistory(long seed, int steps) {
        this(seed, steps, InMemoryCircuitStateStore::new, false);
    }

    /** Runs the history; the first violated invariant, or null. */
    public Violation run() {
        trace("seed " + seed + ": " + policy.environments() + " environments, downstream " + policy.downstream()
                + ", " + policy.config());
        for (int i = 0; i < policy.environments(); i++) {
            Environment e = new Environment(i, random.nextLong(-halfSkewBudget(), halfSkewBudget() + 1),
                    (random.nextDouble() - 0.5) * 4e-5);
            fleet.add(e);
        }
        for (step = 0; step < steps && violation == null; step++) {
            now += random.nextInt(20) == 0 ? random.nextLong(40_000) : random.nextLong(300);
            Environment e = fleet.get(random.nextInt(fleet.size()));
            act(e, true);
            checkFleet();
        }
        if (violation == null) {
            recover();
        }
        return violation;
    }

    /** Offsets within ±half the tolerated skew, less what ±20 ppm of drift can add over a long history. */
    private long halfSkewBudget() {
        return Math.max(0, policy.config().maxClockSkew().toMillis() / 2 - 40);
    }

    // ---------------------------------------------------------------- environments

    private final class Environment implements CircuitBreakerListener {
        final int id;
        final long offset;
        final double drift;
        final Clock clock;
        final SimulatedStore store;
        CircuitBreaker breaker;
        Permission held;
        long issuedAt;
        long callEndsAt;
        CallOutcome outcome;
        long frozenUntil;
        boolean busy;
        long lastStoreErrorAt = Long.MIN_VALUE / 2;
        /** Whether the decision being made came from a copy whose refresh failed. */
        boolean decidedStale;
        boolean localTripped;
        long lastSeenVersion;
        int storeErrors;
        int conflicts;
        /** Failures this environment's writes added to the shared count, in its current report and in all. */
        long counted;
        long countedInAll;
        /** Failures it reported with permissions from the shared state. */
        long reportedFailures;

        Environment(int id, long offset, double drift) {
            this.id = id;
            this.offset = offset;
            this.drift = drift;
            this.clock = new Clock() {
                @Override public ZoneId getZone() { return ZoneOffset.UTC; }
                @Override public Clock withZone(ZoneId zone) { return this; }
                @Override public long millis() { return now + offset + (long) (drift * (now - T0)); }
                @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }
            };
            this.store = new SimulatedStore(shared, BreakerHistory.this, id);
            coldStart();
        }

        /** A new execution environment in this slot: a fresh breaker, nothing cached. */
        void coldStart() {
            breaker = CircuitBreaker.create(CIRCUIT, policy.config(), store, clock, this,
                    new java.util.SplittableRandom(random.nextLong())); // seeded: the history replays
            held = null;
            localTripped = false;
            lastSeenVersion = 0;
        }

        @Override
        public void onTransition(String circuitId, Transition transition) {
            int times = reported.merge(transition, 1, Integer::sum);
            if (times > 1) {
                violate("one transition per trip", "env" + id + " reported " + transition + " a second time");
            }
        }

        @Override
        public void onLocalTransition(String circuitId, Transition transition) {
            localTripped = transition.to() != CircuitState.CLOSED;
        }

        @Override
        public void onStoreError(String circuitId, String operation, RuntimeException error) {
            storeErrors++;
            lastStoreErrorAt = clock.millis();
        }

        @Override
        public void onConditionalConflict(String circuitId, String operation) {
            conflicts++;
        }

        @Override
        public void onStaleDecision(String circuitId, long ageMillis) {
            decidedStale = true;
        }
    }

    /** One step of one environment: report a finished call, or start one, or freeze, die, or act as an operator. */
    private void act(Environment e, boolean outermost) {
        if (e.busy || now < e.frozenUntil || violation != null) {
            return;
        }
        if (e.held != null) {
            if (now >= e.callEndsAt) {
                report(e);
            } else if (outermost && !recovering && random.nextInt(100) == 0) {
                kill(e);
            }
            return;
        }
        int dice = outermost && !recovering ? random.nextInt(1_000) : 999;
        if (dice < 15) {
            e.frozenUntil = now + 1_000 + random.nextLong(random.nextBoolean() ? 60_000 : 600_000);
            trace("env" + e.id + " frozen until +" + (e.frozenUntil - T0));
        } else if (dice < 20) {
            operate(e);
        } else {
            startCall(e);
        }
    }

    private void startCall(Environment e) {
        CircuitSnapshot before = shared.load(CIRCUIT);
        e.busy = true;
        e.decidedStale = false;
        Permission p = e.breaker.acquirePermission();
        e.busy = false;
        CircuitSnapshot after = shared.load(CIRCUIT);
        trace("env" + e.id + " acquire -> " + p);
        if (p.permitted() && (p.state() == CircuitState.OPEN || p.state() == CircuitState.FORCED_OPEN)) {
            violate("OPEN never permits a non-probe call", "env" + e.id + " was permitted in " + p.state());
        }
        if (p.permitted() && !p.isProbe() && !p.local() && before.state() == CircuitState.OPEN
                && after.version() == before.version() && openSince >= 0) {
            // A copy decides for at most the refresh interval; one whose refresh failed, for at most
            // the staleness bound (twice the interval).
            long copyAge = (e.decidedStale ? policy.config().maxStaleness() : policy.config().refreshInterval()).toMillis();
            long cacheBound = copyAge + policy.config().maxClockSkew().toMillis() + 1;
            if (policy.config().refreshInterval().isZero() || now - openSince > cacheBound) {
                violate("OPEN never permits a non-probe call", "env" + e.id + " permitted in " + p.state()
                        + " while the item has been OPEN for " + (now - openSince) + " ms");
            }
        }
        if (p.local() && e.clock.millis() - e.lastStoreErrorAt >= CircuitBreaker.STORE_RETRY_INTERVAL.toMillis()
                && !e.localTripped) {
            violate("fail-open decisions only while the store fails",
                    "env" + e.id + " decided locally " + (e.clock.millis() - e.lastStoreErrorAt) + " ms after its last store error");
        }
        if (p.permitted() && !p.local()) {
            if (p.snapshot().version() < e.lastSeenVersion) {
                violate("versions never go backwards", "env" + e.id + " decided on v" + p.snapshot().version()
                        + " after seeing v" + e.lastSeenVersion);
            }
            e.lastSeenVersion = Math.max(e.lastSeenVersion, p.snapshot().version());
        }
        if (p.permitted()) {
            e.held = p;
            e.issuedAt = now;
            e.outcome = downstreamOutcome();
            long timeout = policy.config().callTimeout().toMillis();
            e.callEndsAt = now + (e.outcome.failureReason().orElse(null) == FailureReason.TIMEOUT
                    ? timeout : 1 + random.nextLong(timeout));
        }
    }

    private CallOutcome downstreamOutcome() {
        if (recovering) {
            return CallOutcome.success();
        }
        double failureRate = switch (policy.downstream()) {
            case "healthy" -> 0.02;
            case "failing" -> 0.9;
            case "flapping" -> ((now - T0) / policy.flapPeriodMs()) % 2 == 0 ? 0.0 : 1.0;
            default -> policy.failureRate();
        };
        if (random.nextDouble() >= failureRate) {
            return CallOutcome.success();
        }
        FailureReason[] reasons = FailureReason.values();
        return CallOutcome.failure(reasons[random.nextInt(reasons.length)]);
    }

    private void report(Environment e) {
        Permission p = e.held;
        CallOutcome outcome = e.outcome;
        CircuitSnapshot before = shared.load(CIRCUIT);
        int transitionsBefore = appliedTransitions.size();
        int errorsBefore = e.storeErrors;
        int conflictsBefore = e.conflicts;
        e.counted = 0;
        if (!outcome.isSuccess() && !p.local()) {
            e.reportedFailures++;
        }
        e.busy = true;
        e.breaker.onResult(p, outcome);
        e.busy = false;
        e.held = null;
        CircuitSnapshot after = shared.load(CIRCUIT);
        trace("env" + e.id + " " + (outcome.isSuccess() ? "success" : "failure") + " reported -> item " + after.state()
                + " v" + after.version() + " count " + after.failureCount());
        if (e.countedInAll > e.reportedFailures) {
            violate("no double counting", "env" + e.id + " added " + e.countedInAll + " failures to the shared count but reported "
                    + e.reportedFailures);
        }
        // With batching, a failure is written when its batch is due; exactly once per report only without it.
        boolean mustCount = policy.config().flushInterval().isZero()
                && !outcome.isSuccess() && !p.local() && p.state() == CircuitState.CLOSED
                && e.storeErrors == errorsBefore && e.conflicts - conflictsBefore <= RACE_RETRIES
                && before.state() == CircuitState.CLOSED && after.state() == CircuitState.CLOSED
                && appliedTransitions.size() == transitionsBefore;
        if (mustCount && e.counted != 1) {
            violate("the shared failure count is never below the true count except by documented losses",
                    "env" + e.id + "'s failure in CLOSED was not counted, and no store error, trip or transition explains it");
        }
    }

    private void kill(Environment e) {
        trace("env" + e.id + " killed mid-call holding " + e.held);
        if (e.held.isProbe() && !e.held.local()) {
            orphanProbes.add(new long[] {e.issuedAt, e.callEndsAt});
        }
        e.coldStart();
    }

    private void operate(Environment e) {
        e.busy = true;
        try {
            CircuitSnapshot s = switch (random.nextInt(3)) {
                case 0 -> e.breaker.reset();
                case 1 -> e.breaker.forceOpen();
                default -> e.breaker.disable();
            };
            trace("env" + e.id + " operator -> " + s.state());
        } catch (CircuitStateStoreException ex) {
            trace("env" + e.id + " operator failed: store error");
        } finally {
            e.busy = false;
        }
    }

    // ---------------------------------------------------------------- the world, seen from store requests

    @Override
    public SimulatedStore.Fault faultFor(SimulatedStore store, String request) {
        SimulatedStore.Fault fault = drawFault();
        CircuitSnapshot unverified = awaitingVerification.remove(store.environment);
        if (unverified != null && request.equals("load")) {
            boolean readFails = fault != SimulatedStore.Fault.NONE && fault != SimulatedStore.Fault.SLOW
                    && fault != SimulatedStore.Fault.LOST_ANSWER;
            // The token of the write, or of the one before, identifies it: not after two more writes.
            boolean overwritten = shared.load(CIRCUIT).version() >= unverified.version() + 2;
            if (readFails || overwritten) {
                allowedUnreported.put(unverified.lastTransition(), Boolean.TRUE);
                trace("env" + store.environment + " cannot learn that its write v" + unverified.version()
                        + " landed (documented)");
            }
        }
        return fault;
    }

    private SimulatedStore.Fault drawFault() {
        if (recovering) {
            return SimulatedStore.Fault.NONE;
        }
        if (now >= policy.downFrom() && now < policy.downUntil()) {
            return SimulatedStore.Fault.DOWN;
        }
        double r = random.nextDouble();
        if (r < policy.lostRate()) {
            return random.nextDouble() < APPLIED_THEN_ERROR_SHARE
                    ? SimulatedStore.Fault.APPLIED_THEN_ERROR : SimulatedStore.Fault.LOST_ANSWER;
        }
        r -= policy.lostRate();
        if (r < policy.errorRate()) {
            return random.nextBoolean() ? SimulatedStore.Fault.NOT_APPLIED : SimulatedStore.Fault.THROTTLED;
        }
        r -= policy.errorRate();
        if (r < policy.slowRate()) {
            now += 20 + random.nextLong(random.nextInt(10) == 0 ? 1_500 : 200);
            return SimulatedStore.Fault.SLOW;
        }
        return SimulatedStore.Fault.NONE;
    }

    @Override
    public void interleave(SimulatedStore store, boolean afterAppliedRequest) {
        if (depth >= 2 || violation != null) {
            return;
        }
        double rate = afterAppliedRequest ? Math.max(0.5, policy.interleaveRate()) : policy.interleaveRate();
        if (random.nextDouble() >= rate) {
            return;
        }
        Environment other = fleet.get(random.nextInt(fleet.size()));
        if (other.id == store.environment) {
            return;
        }
        depth++;
        try {
            now += random.nextLong(5);
            act(other, false);
            checkFleet();
        } finally {
            depth--;
        }
    }

    @Override
    public void applied(SimulatedStore store, String request, CircuitSnapshot before, CircuitSnapshot after) {
        Environment e = fleet.get(store.environment);
        long added = 0;
        if (request.startsWith("add-outcomes")) {
            for (Map.Entry<Long, Long> bucket : after.recentFailures().entrySet()) {
                added += Math.max(0, bucket.getValue() - before.recentFailures().getOrDefault(bucket.getKey(), 0L));
            }
        }
        if (request.startsWith("replace") && before.version() == 0 && after.state() == CircuitState.CLOSED
                && after.lastTransition() == before.lastTransition()) {
            added = after.failureCount(); // the first failures of a circuit without an item create it
        }
        e.counted += added;
        e.countedInAll += added;
        Transition t = after.lastTransition();
        if (t != null && t != before.lastTransition() && before.state() == CircuitState.HALF_OPEN
                && after.state() == CircuitState.OPEN && before.halfOpenSuccesses() >= policy.config().successThreshold()) {
            violate("an episode with enough successful probes closes", "env" + e.id + " re-opened a HALF_OPEN episode that had counted "
                    + before.halfOpenSuccesses() + " of " + policy.config().successThreshold() + " successes");
        }
        if (t != null && t != before.lastTransition()) {
            appliedTransitions.put(t, Boolean.TRUE);
            trace("item " + before.state() + " v" + before.version() + " -> " + after.state() + " v" + after.version()
                    + " by env" + e.id + " (" + t.reason() + ")");
        }
        if (t != null && t != before.lastTransition() && t.to() == CircuitState.CLOSED) {
            closedAt = now;
        }
        if (after.state() == CircuitState.OPEN && (before.state() != CircuitState.OPEN || before.version() != after.version())) {
            openSince = now;
        } else if (after.state() != CircuitState.OPEN) {
            openSince = -1;
        }
    }

    @Override
    public void appliedButFailed(SimulatedStore store, String request, CircuitSnapshot after) {
        if (request.equals("replace") && after.lastTransition() != null) {
            // The breaker reads once to learn whether its write landed; only if that read fails
            // too may the transition go unreported (documented).
            awaitingVerification.put(store.environment, after);
        }
    }

    @Override
    public void ownWriteNotRecognised(SimulatedStore store, CircuitSnapshot written) {
        long current = shared.load(CIRCUIT).version();
        if (current >= written.version() + 2) {
            // Documented bound: the write token and the one before it recognise a lost write after
            // one more whole-state write, not after two.
            if (written.lastTransition() != null) {
                allowedUnreported.put(written.lastTransition(), Boolean.TRUE);
            }
            trace("env" + store.environment + " lost its own write v" + written.version() + " after 2+ writes (documented)");
        } else {
            violate("one transition per trip", "env" + store.environment + " did not recognise its own applied write v"
                    + written.version() + " (item now v" + current + ")");
        }
    }

    @Override
    public void trace(String line) {
        trace.addLast(String.format("%5d +%7dms %s", step, now - T0, line));
        if (!keepWholeTrace && trace.size() > TRACE_LINES) {
            trace.removeFirst();
        }
    }

    // ---------------------------------------------------------------- invariants

    private void checkFleet() {
        long probes = orphanProbes.stream().filter(p -> p[0] > closedAt && now < p[1]).count();
        for (Environment e : fleet) {
            if (e.held != null && e.held.isProbe() && !e.held.local() && e.issuedAt > closedAt && now < e.callEndsAt) {
                probes++;
            }
        }
        if (probes > policy.config().halfOpenProbes()) {
            violate("probes in flight never exceed the configured number", probes + " probes in flight, "
                    + policy.config().halfOpenProbes() + " configured");
        }
        long version = shared.load(CIRCUIT).version();
        if (version < lastVersion) {
            violate("versions never go backwards", "item went from v" + lastVersion + " to v" + version);
        }
        lastVersion = Math.max(lastVersion, version);
    }

    /** Store healed, downstream healthy, no more freezes or deaths: the circuit must close, and every transition be reported once. */
    private void recover() {
        recovering = true;
        trace("recovery: store healed, downstream healthy");
        fleet.forEach(e -> e.frozenUntil = 0);
        Environment operator = fleet.get(0);
        long pause = Math.max(policy.config().probeLease().toMillis(), policy.config().maxOpenDuration().toMillis())
                + policy.config().maxClockSkew().toMillis() + CircuitBreaker.STORE_RETRY_INTERVAL.toMillis() + 1;
        for (int round = 0; round < 30 && violation == null; round++) {
            CircuitState state = shared.load(CIRCUIT).state();
            if (state == CircuitState.FORCED_OPEN || state == CircuitState.DISABLED) {
                operator.breaker.reset(); // an operator's state is left only by an operator
                trace("recovery: operator reset");
                continue;
            }
            if (state == CircuitState.CLOSED && fleet.stream().allMatch(e -> e.held == null && !e.localTripped)) {
                break;
            }
            now += pause;
            for (int i = 0; i < 4 * fleet.size() && violation == null; i++) {
                now += 1 + random.nextLong(policy.config().callTimeout().toMillis());
                act(fleet.get(i % fleet.size()), false);
                checkFleet();
            }
        }
        CircuitSnapshot end = shared.load(CIRCUIT);
        if (violation == null && end.state() != CircuitState.CLOSED) {
            violate("every episode ends", "the circuit is still " + end.state() + " after recovery: " + end);
        }
        if (violation == null && fleet.stream().anyMatch(e -> e.localTripped)) {
            violate("fail-open decisions only while the store fails", "a local breaker is still tripped after recovery");
        }
        for (Map.Entry<Transition, Boolean> t : appliedTransitions.entrySet()) {
            int times = reported.getOrDefault(t.getKey(), 0);
            if (violation == null && times != 1 && !allowedUnreported.containsKey(t.getKey())) {
                violate("one transition per trip", "applied transition " + t.getKey() + " was reported " + times + " times");
            }
        }
        for (Transition t : reported.keySet()) {
            if (violation == null && !appliedTransitions.containsKey(t)) {
                violate("one transition per trip", "reported transition " + t + " was never applied");
            }
        }
    }

    /** The events of the history so far (all of them when kept whole, else the last few hundred). */
    public List<String> trace() {
        return List.copyOf(trace);
    }

    private void violate(String invariant, String detail) {
        if (violation == null) {
            trace("VIOLATION " + invariant + ": " + detail);
            violation = new Violation(seed, step, invariant + ": " + detail, List.copyOf(trace));
        }
    }
}
