package dev.circuitlab.experiments.fleet;

import dev.circuitlab.breaker.CallOutcome;
import dev.circuitlab.experiments.fleet.SimulatedDynamoDb.Api;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The circuit breaker of Powertools for AWS Lambda (Python), modelled from its published source
 * (github.com/aws-powertools/powertools-lambda-python, {@code aws_lambda_powertools/utilities/circuit_breaker_alpha/}:
 * {@code base.py} (the handler's state machine), {@code persistence/base.py} (the local cache),
 * {@code persistence/dynamodb.py} (the requests), {@code config.py} (the defaults)):
 * <ul>
 *   <li>each environment counts <em>consecutive</em> failures in memory; a success resets the
 *       count; the environment that reaches the threshold (5) writes OPEN with an unconditional
 *       PutItem (opened at, in whole seconds) — nothing else is written while CLOSED;</li>
 *   <li>the state is read with an eventually consistent GetItem and cached in the environment for
 *       5 s (whole seconds: it is stale once {@code int(now) >= int(saved) + 5}); a failed read
 *       counts as CLOSED and is not cached;</li>
 *   <li>once {@code now >= opened_at + 30 s}, a caller holding an OPEN record tries to become the
 *       single prober with a conditional PutItem (OPEN, no owner, the same opened_at; or HALF_OPEN
 *       with an expired lease) stamping HALF_OPEN, its owner id and a lease of the recovery
 *       timeout; a loser is rejected and does not cache anything, so it tries again on its next
 *       call while its cached OPEN record lasts;</li>
 *   <li>the owner runs every call as a probe; 3 consecutive successes write CLOSED (UpdateItem),
 *       a failure writes OPEN again with a new opened_at (UpdateItem); others reject until the
 *       owner's lease expires;</li>
 *   <li>write errors are logged and swallowed; an error of the election's write fails the call;</li>
 *   <li>the client is boto3's with its default retries ({@link SdkRetryPolicy#BOTOCORE_LEGACY_DYNAMODB}).</li>
 * </ul>
 */
public final class PowertoolsModel implements BreakerModel {

    public static final String ID = "powertools";

    /** {@code config.py}'s defaults. */
    static final int FAILURE_THRESHOLD = 5;
    static final int RECOVERY_TIMEOUT_S = 30;
    static final int SUCCESS_THRESHOLD = 3;
    static final int LOCAL_CACHE_MAX_AGE_S = 5;
    /** {@code persistence/base.py}: the item's TTL is the recovery timeout plus this. */
    static final int TTL_BUFFER_S = 3600;

    enum State { CLOSED, OPEN, HALF_OPEN }

    /** The item ({@code persistence/dynamodb.py}'s attributes); times are epoch seconds. */
    record Item(State state, long failureCount, Long openedAt, String owner, Long leaseExpiry, Long expiration) {

        static final Item CLOSED = new Item(State.CLOSED, 0, null, null, null, null);

        SharedState shared() {
            return switch (state) {
                case CLOSED -> SharedState.CLOSED;
                case OPEN -> SharedState.OPEN;
                case HALF_OPEN -> SharedState.HALF_OPEN;
            };
        }

        Map<String, AttributeValue> image(String circuitId) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            m.put("id", AttributeValue.fromS(circuitId));
            m.put("state", AttributeValue.fromS(state.name()));
            m.put("failure_count", AttributeValue.fromN(Long.toString(failureCount)));
            if (openedAt != null) {
                m.put("opened_at", AttributeValue.fromN(openedAt.toString()));
            }
            if (owner != null) {
                m.put("half_open_owner", AttributeValue.fromS(owner));
            }
            if (leaseExpiry != null) {
                m.put("probe_lease_expiry", AttributeValue.fromN(leaseExpiry.toString()));
            }
            if (expiration != null) {
                m.put("expiration", AttributeValue.fromN(expiration.toString()));
            }
            return m;
        }
    }

    /** How a permitted call was routed ({@code _call_closed} or {@code _call_probe}). */
    enum Route { CLOSED, PROBE }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String label() {
        return "Powertools for AWS Lambda (Python) circuit breaker";
    }

    @Override
    public String settings() {
        return "threshold " + FAILURE_THRESHOLD + " consecutive failures per environment, recovery " + RECOVERY_TIMEOUT_S
                + " s, " + SUCCESS_THRESHOLD + " probe successes, local cache " + LOCAL_CACHE_MAX_AGE_S
                + " s, eventually consistent reads, boto3 default retries";
    }

    @Override
    public FleetBreaker newFleet(FleetContext context) {
        return new PeerFleet<>(context, Item::image, Instance::new);
    }

    /** One environment: its module-level counters, its cache, its probe-owner id. */
    static final class Instance extends PeerInstance<Item> {
        private final String owner;
        private Item cached;
        private long cacheExpiry;
        private int localFailures;
        private int localSuccesses;
        private State lastObserved;

        Instance(Environment env, PeerFleet<Item> fleet) {
            super(env, fleet, SdkRetryPolicy.BOTOCORE_LEGACY_DYNAMODB);
            // "<pid>#<uuid4 hex>", as long as the real one
            this.owner = String.format("8#%032x", env.id() * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
        }

        private long nowSeconds() {
            return Math.floorDiv(env.epochMillis(), 1000);
        }

        @Override
        public Decision decide() {
            boolean withoutStore = false;
            Item record = fromCache();
            if (record == null) {
                try {
                    Item read = readEventually();
                    record = read == null ? Item.CLOSED : read;
                    cache(record);
                } catch (StoreUnavailableException e) {
                    record = Item.CLOSED; // fail open, not cached
                    withoutStore = true;
                }
            }
            switch (record.state()) {
                case CLOSED -> {
                    if (lastObserved != null && lastObserved != State.CLOSED) {
                        localFailures = 0; // another environment closed it: a stale streak must not re-trip
                    }
                    lastObserved = State.CLOSED;
                    return new Decision(true, false, withoutStore, Route.CLOSED);
                }
                case OPEN -> {
                    lastObserved = State.OPEN;
                    long openedAt = record.openedAt() != null ? record.openedAt() : nowSeconds();
                    if (nowSeconds() >= openedAt + RECOVERY_TIMEOUT_S) {
                        return elect(openedAt);
                    }
                    return Decision.reject(withoutStore);
                }
                default -> {
                    lastObserved = State.HALF_OPEN;
                    if (owner.equals(record.owner())) {
                        return new Decision(true, true, withoutStore, Route.PROBE);
                    }
                    if (record.leaseExpiry() != null && nowSeconds() >= record.leaseExpiry()) {
                        return elect(record.openedAt() == null ? 0 : record.openedAt());
                    }
                    return Decision.reject(withoutStore);
                }
            }
        }

        /** {@code try_acquire_half_open}: the conditional PutItem that elects one prober. */
        private Decision elect(long expectedOpenedAt) {
            long now = nowSeconds();
            Item claim = new Item(State.HALF_OPEN, 0, expectedOpenedAt, owner, now + RECOVERY_TIMEOUT_S,
                    now + RECOVERY_TIMEOUT_S + TTL_BUFFER_S);
            boolean won;
            try {
                won = db.call(env, client, Api.PUT_ITEM, true, true, item, at -> {
                    Item current = item.latest();
                    boolean openUnclaimed = current != null && current.state() == State.OPEN && current.owner() == null
                            && Objects.equals(current.openedAt(), expectedOpenedAt);
                    boolean leaseLapsed = current != null && current.state() == State.HALF_OPEN
                            && current.leaseExpiry() != null && current.leaseExpiry() <= now;
                    if (openUnclaimed || leaseLapsed) {
                        fleet.write(at, claim, claim.shared());
                        return true;
                    }
                    return false;
                });
            } catch (StoreUnavailableException e) {
                return Decision.reject(false); // the error propagates: the call fails without reaching the downstream
            }
            if (!won) {
                return Decision.reject(false);
            }
            cache(claim);
            return new Decision(true, true, false, Route.PROBE);
        }

        @Override
        public void record(Decision decision, CallOutcome outcome) {
            if (decision.handle() == Route.CLOSED) {
                if (outcome.isSuccess()) {
                    localFailures = 0;
                    return;
                }
                int failures = localFailures + 1;
                boolean tripped = failures >= FAILURE_THRESHOLD;
                localFailures = tripped ? 0 : failures;
                if (tripped) {
                    long now = nowSeconds();
                    persist(Api.PUT_ITEM, new Item(State.OPEN, failures, now, null, null,
                            now + RECOVERY_TIMEOUT_S + TTL_BUFFER_S));
                }
                return;
            }
            long now = nowSeconds();
            if (!outcome.isSuccess()) {
                localSuccesses = 0;
                persist(Api.UPDATE_ITEM, new Item(State.OPEN, 0, now, null, null, now + RECOVERY_TIMEOUT_S + TTL_BUFFER_S));
                return;
            }
            int successes = localSuccesses + 1;
            boolean closed = successes >= SUCCESS_THRESHOLD;
            localSuccesses = closed ? 0 : successes;
            if (closed) {
                localFailures = 0;
                persist(Api.UPDATE_ITEM, new Item(State.CLOSED, 0, null, null, null, now + RECOVERY_TIMEOUT_S + TTL_BUFFER_S));
            }
        }

        /**
         * {@code save_open} (an unconditional PutItem of the whole item), {@code save_reopen} and
         * {@code save_closed} (unconditional UpdateItems that set the state and remove the owner and
         * lease); cached when written; an error is swallowed ({@code _safe_persist}).
         */
        private void persist(Api api, Item next) {
            if (write(api, next, next.shared())) {
                cache(next);
            }
        }

        private Item fromCache() {
            if (cached != null && nowSeconds() >= cacheExpiry) {
                cached = null;
            }
            return cached;
        }

        private void cache(Item record) {
            cached = record;
            cacheExpiry = nowSeconds() + LOCAL_CACHE_MAX_AGE_S;
        }
    }
}
