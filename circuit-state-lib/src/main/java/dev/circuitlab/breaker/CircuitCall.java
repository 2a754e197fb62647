package dev.circuitlab.breaker;

/** A call to a protected dependency. */
@FunctionalInterface
public interface CircuitCall<T> {
    T call() throws Exception;
}
