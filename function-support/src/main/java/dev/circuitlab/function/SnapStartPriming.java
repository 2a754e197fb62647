package dev.circuitlab.function;

import dev.circuitlab.observability.StructuredLog;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function instance's SnapStart (CRaC) hooks. Each component that owns a client or per-instance
 * state registers its own: before the snapshot, a prime that warms what the first request would
 * otherwise pay for (class loading, signing, connection setup) without changing anything another
 * instance could see; after a restore, a reset that drops per-instance state, because one snapshot
 * becomes many instances and a cached value would be stale in all of them.
 *
 * <p>Primes run in registration order, each on its own: one that fails is logged and the others
 * still run, because priming is an optimization and the snapshot must still be taken. Resets run
 * in registration order too and are not guarded: an instance that cannot drop its stale state
 * must not serve.
 */
public final class SnapStartPriming implements Resource {

    private record Hook(String component, Runnable prime, Runnable afterRestore) {
    }

    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final StructuredLog log;

    private SnapStartPriming(StructuredLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Hooks registered with CRaC's global context, which Lambda SnapStart calls around the snapshot
     * (on JVMs without CRaC nothing calls them). Keep a strong reference to the result: the
     * context may hold its resources only weakly.
     */
    public static SnapStartPriming registeredWithCrac(StructuredLog log) {
        SnapStartPriming priming = new SnapStartPriming(log);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /** Hooks that run only when called directly (tests, embedding). */
    public static SnapStartPriming unregistered(StructuredLog log) {
        return new SnapStartPriming(log);
    }

    /**
     * @param component    names the component in the log lines
     * @param prime        before the snapshot; null for none
     * @param afterRestore after a restore; null for none
     */
    public void register(String component, Runnable prime, Runnable afterRestore) {
        hooks.add(new Hook(Objects.requireNonNull(component, "component"), prime, afterRestore));
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        for (Hook hook : hooks) {
            if (hook.prime() == null) {
                continue;
            }
            try {
                hook.prime().run();
                log.info("snapstart priming done", "component", hook.component());
            } catch (RuntimeException e) {
                log.warn("snapstart priming failed", "component", hook.component(), "error", e);
            }
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        for (Hook hook : hooks) {
            if (hook.afterRestore() != null) {
                hook.afterRestore().run();
            }
        }
    }
}
