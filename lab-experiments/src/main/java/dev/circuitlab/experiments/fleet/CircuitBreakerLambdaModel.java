package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.experiments.fleet.SimulatedDynamoDb.Api;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * circuitbreaker-lambda (npm, by Gunnar Grosch), modelled from its published source
 * (github.com/gunnargrosch/circuitbreaker-lambda: {@code src/index.ts} (the state machine),
 * {@code src/dynamodb-provider.ts} (the requests), {@code src/types.ts} (the defaults)):
 * <ul>
 *   <li>every call reads the item with one eventually consistent GetItem (no cache by default) into
 *       the instance's in-memory state; a failed read keeps the state of the last read;</li>
 *   <li>in CLOSED the failure count resets when the last failure is more than 60 s old;</li>
 *   <li>OPEN rejects until {@code nextAttempt}; the first call after it switches to HALF and writes
 *       that; in HALF every caller goes through (every warm environment probes);</li>
 *   <li>every recorded outcome writes the instance's whole state with one unconditional UpdateItem:
 *       last writer wins, so concurrent failures are lost and a slow caller's stale state can
 *       overwrite a newer one;</li>
 *   <li>5 failures open for 10 s (doubling after each failed HALF, at most 60 s); in HALF 2
 *       successes close, a failure re-opens; write errors are swallowed;</li>
 *   <li>the client is the AWS SDK for JavaScript v3's ({@link SdkRetryPolicy#JS_V3_STANDARD}).</li>
 * </ul>
 * Its real package (1.0.1) was measured on dynalite: 1 GetItem + 1 UpdateItem per healthy call,
 * 1 GetItem per rejection, 32 simultaneous failures leave a count of 1, all 50 simultaneous
 * half-open callers reach the downstream. This model's tests reproduce those.
 */
public final class CircuitBreakerLambdaModel implements BreakerModel {

    public static final String ID = "circuitbreaker-lambda";

    /** {@code src/types.ts} DEFAULTS. */
    static final int FAILURE_THRESHOLD = 5;
    static final int SUCCESS_THRESHOLD = 2;
    static final long TIMEOUT_MS = 10_000;
    static final long MAX_TIMEOUT_MS = 60_000;
    static final long WINDOW_MS = 60_000;

    enum State { CLOSED, OPEN, HALF }

    /** The stored state ({@code CircuitBreakerState}); times are epoch milliseconds. */
    record Item(State circuitState, long failureCount, long successCount, long nextAttempt, long lastFailureTime,
                int consecutiveOpens, long stateTimestamp) {

        Map<String, AttributeValue> image(String circuitId) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            m.put("id", AttributeValue.fromS(circuitId));
            m.put("circuitState", AttributeValue.fromS(circuitState.name()));
            m.put("failureCount", num(failureCount));
            m.put("successCount", num(successCount));
            m.put("nextAttempt", num(nextAttempt));
            m.put("lastFailureTime", num(lastFailureTime));
            m.put("consecutiveOpens", num(consecutiveOpens));
            m.put("stateTimestamp", num(stateTimestamp));
            m.put("schemaVersion", num(1));
            return m;
        }

        private static AttributeValue num(long n) {
            return AttributeValue.fromN(Long.toString(n));
        }

        static SharedState shared(State s) {
            return switch (s) {
                case CLOSED -> SharedState.CLOSED;
                case OPEN -> SharedState.OPEN;
                case HALF -> SharedState.HALF_OPEN;
            };
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String label() {
        return "circuitbreaker-lambda (npm)";
    }

    @Override
    public String settings() {
        return "threshold " + FAILURE_THRESHOLD + " failures (reset 60 s after the last), open " + TIMEOUT_MS / 1000
                + " s (doubling to " + MAX_TIMEOUT_MS / 1000 + " s), " + SUCCESS_THRESHOLD
                + " successes, no cache, eventually consistent reads, unconditional writes, SDK v3 default retries";
    }

    @Override
    public FleetBreaker newFleet(FleetContext context) {
        return new PeerFleet<>(context, Item::image, Instance::new);
    }

    /** One environment's {@code CircuitBreaker} object (created once per environment, at module load). */
    static final class Instance extends PeerInstance<Item> {
        private State state = State.CLOSED;
        private long failureCount;
        private long successCount;
        private long nextAttempt;
        private long lastFailureTime;
        private int consecutiveOpens;
        private long stateTimestamp;

        Instance(Environment env, PeerFleet<Item> fleet) {
            super(env, fleet, SdkRetryPolicy.JS_V3_STANDARD);
            this.stateTimestamp = env.epochMillis();
        }

        /** {@code check()}. */
        @Override
        public Decision decide() {
            boolean withoutStore = false;
            try {
                Item read = readEventually();
                if (read != null) {
                    load(read);
                }
            } catch (StoreUnavailableException e) {
                withoutStore = true; // logged; the state of the last read stands
            }
            long now = env.epochMillis();
            if (state == State.CLOSED && lastFailureTime > 0 && now - lastFailureTime > WINDOW_MS) {
                failureCount = 0;
            }
            if (state == State.OPEN) {
                if (nextAttempt <= now) {
                    state = State.HALF;
                    successCount = 0;
                    persist();
                    return new Decision(true, true, withoutStore, null);
                }
                return Decision.reject(withoutStore);
            }
            return new Decision(true, state == State.HALF, withoutStore, null);
        }

        /** {@code recordSuccess()} / {@code recordFailure()}. */
        @Override
        public void record(Decision decision, CallOutcome outcome) {
            long now = env.epochMillis();
            if (outcome.isSuccess()) {
                if (state == State.HALF) {
                    successCount++;
                    if (successCount >= SUCCESS_THRESHOLD) {
                        state = State.CLOSED;
                        successCount = 0;
                        failureCount = 0;
                        consecutiveOpens = 0;
                    }
                }
            } else {
                failureCount++;
                lastFailureTime = now;
                if (state == State.HALF || failureCount >= FAILURE_THRESHOLD) {
                    boolean wasHalf = state == State.HALF;
                    state = State.OPEN;
                    consecutiveOpens = wasHalf ? consecutiveOpens + 1 : 0;
                    nextAttempt = now + Math.min(TIMEOUT_MS << Math.min(consecutiveOpens, 20), MAX_TIMEOUT_MS);
                }
            }
            stateTimestamp = now;
            persist();
        }

        private void load(Item i) {
            state = i.circuitState();
            failureCount = i.failureCount();
            successCount = i.successCount();
            nextAttempt = i.nextAttempt();
            lastFailureTime = i.lastFailureTime();
            consecutiveOpens = i.consecutiveOpens();
            stateTimestamp = i.stateTimestamp();
        }

        /** {@code persistState()}: one unconditional UpdateItem of every attribute; errors swallowed. */
        private void persist() {
            Item next = new Item(state, failureCount, successCount, nextAttempt, lastFailureTime, consecutiveOpens,
                    stateTimestamp);
            write(Api.UPDATE_ITEM, next, Item.shared(next.circuitState()));
        }
    }
}
