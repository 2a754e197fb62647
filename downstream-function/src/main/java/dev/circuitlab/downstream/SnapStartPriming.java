package dev.circuitlab.downstream;

import dev.circuitlab.observability.StructuredLog;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart hooks. Before the snapshot: one cheap read of the fault table, so the snapshot holds a
 * DynamoDB client whose classes, marshallers and signer are already loaded and initialized (the
 * first real request would otherwise pay for that). After restore: drop the cached fault, which was
 * read when the snapshot was taken, possibly long ago.
 *
 * <p>Registered by the environment-reading constructor only; the handler keeps a strong reference,
 * as the CRaC global context may hold resources weakly.
 */
final class SnapStartPriming implements Resource {

    private static final StructuredLog LOG = StructuredLog.forClass(SnapStartPriming.class);

    private final FaultStore store;
    private final ActiveFaultCache activeFault;
    private final boolean faultInjectionEnabled;

    SnapStartPriming(FaultStore store, ActiveFaultCache activeFault, boolean faultInjectionEnabled) {
        this.store = store;
        this.activeFault = activeFault;
        this.faultInjectionEnabled = faultInjectionEnabled;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        if (!faultInjectionEnabled) {
            return; // the client is never used on this stack: nothing worth priming
        }
        try {
            store.read();
            LOG.info("primed the fault store client before checkpoint", "table", store.tableName());
        } catch (FaultStoreException e) {
            // Priming is an optimization: a snapshot without it is still correct.
            LOG.warn("could not prime the fault store client before checkpoint", "table", store.tableName(),
                    "error", e);
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        activeFault.invalidate();
    }
}
