package dev.circuitlab.experiments.fleet;

/** Reports a peer's item state to the run when a write changes it. */
final class SharedStateTracker {

    private final FleetContext context;
    private SharedState last = SharedState.CLOSED;

    SharedStateTracker(FleetContext context) {
        this.context = context;
    }

    void written(long atMicros, SharedState state) {
        if (state != last) {
            last = state;
            context.sharedStateChanged(atMicros, state);
        }
    }
}
