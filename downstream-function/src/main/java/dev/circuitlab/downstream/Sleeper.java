package dev.circuitlab.downstream;

import java.time.Duration;

/** Blocks the request thread; injected so tests can record delays instead of waiting for them. */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps on the calling thread, as Lambda and the local runtime need. */
    Sleeper THREAD = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
