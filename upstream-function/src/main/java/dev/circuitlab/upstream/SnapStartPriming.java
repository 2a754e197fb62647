package dev.circuitlab.upstream;

import dev.circuitlab.observability.StructuredLog;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart (CRaC) hooks. Before the snapshot: warm what the first request would otherwise pay for
 * (the DynamoDB client's first request with its class loading, signing and connection setup; the
 * HTTP request classes; routing and JSON). After restore: drop per-instance state, because one
 * snapshot becomes many instances and a cached circuit state would be stale in all of them.
 */
final class SnapStartPriming implements Resource {

    private final UpstreamConfig config;
    private final ResettableBreaker breaker;
    private final DownstreamClient downstream;
    private final Runnable warmRoute;
    private final StructuredLog log;

    /** @param warmRoute a request through the whole handler that touches no dependency (GET /health) */
    SnapStartPriming(UpstreamConfig config, ResettableBreaker breaker, DownstreamClient downstream, Runnable warmRoute,
                     StructuredLog log) {
        this.config = config;
        this.breaker = breaker;
        this.downstream = downstream;
        this.warmRoute = warmRoute;
        this.log = log;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        if (config.breakerEnabled()) {
            try {
                // A plain read of the circuit item: no write, no breaker state change.
                breaker.store().load(config.circuitId());
            } catch (RuntimeException e) {
                // Priming is an optimization; the snapshot must still be taken.
                log.warn("snapstart priming: circuit read failed", "circuitId", config.circuitId(),
                        "error", e);
            }
        }
        try {
            downstream.prime();
            warmRoute.run();
        } catch (RuntimeException e) {
            log.warn("snapstart priming failed", "error", e);
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        breaker.rebuild();
    }
}
