package dev.circuitlab.breaker.internal;

import dev.circuitlab.breaker.CircuitBreakerListener;
import dev.circuitlab.breaker.CircuitState;
import dev.circuitlab.breaker.FailureReason;
import dev.circuitlab.breaker.Transition;

/**
 * The listener of the in-memory fallback breaker: decisions and outcomes go to the real listener as
 * they are (they are real calls), transitions are reported as local ones.
 */
public final class LocalFallbackListener implements CircuitBreakerListener {

    private final CircuitBreakerListener delegate;

    public LocalFallbackListener(CircuitBreakerListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onPermitted(String circuitId, CircuitState state, boolean probe) {
        delegate.onPermitted(circuitId, state, probe);
    }

    @Override
    public void onRejected(String circuitId, CircuitState state) {
        delegate.onRejected(circuitId, state);
    }

    @Override
    public void onSuccess(String circuitId, CircuitState state) {
        delegate.onSuccess(circuitId, state);
    }

    @Override
    public void onFailure(String circuitId, CircuitState state, FailureReason reason) {
        delegate.onFailure(circuitId, state, reason);
    }

    @Override
    public void onTransition(String circuitId, Transition transition) {
        delegate.onLocalTransition(circuitId, transition);
    }
}
