package dev.circuitlab.experiments.fleet;

import dev.circuitlab.experiments.fleet.SimulatedDynamoDb.Api;

/**
 * What a peer algorithm's instance in one environment has: its environment, its run, its DynamoDB
 * client, and the two kinds of request both peers make of their item.
 *
 * @param <I> the algorithm's item
 */
abstract class PeerInstance<I> implements EnvironmentBreaker {

    protected final Environment env;
    protected final PeerFleet<I> fleet;
    protected final SimulatedDynamoDb db;
    protected final VersionedItem<I> item;
    protected final DynamoDbClientModel client;

    PeerInstance(Environment env, PeerFleet<I> fleet, SdkRetryPolicy sdk) {
        this.env = env;
        this.fleet = fleet;
        this.db = fleet.db();
        this.item = fleet.item();
        this.client = env.client(sdk);
    }

    /**
     * One eventually consistent GetItem of the item: null when there is none.
     *
     * @throws StoreUnavailableException when the SDK gave up
     */
    protected I readEventually() {
        return db.call(env, client, Api.GET_ITEM, false, true, item, at -> db.readEventually(item, at));
    }

    /** One unconditional write of the whole item ({@code api}: PutItem or UpdateItem); false when the SDK gave up. */
    protected boolean write(Api api, I next, SharedState state) {
        try {
            db.call(env, client, api, true, true, item, at -> {
                fleet.write(at, next, state);
                return null;
            });
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }
}
