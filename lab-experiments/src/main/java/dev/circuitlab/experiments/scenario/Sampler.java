package dev.circuitlab.experiments.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Samples the local runtime on its own thread: the functions' counters every {@code tickMs} (cheap,
 * in-process reads of the same numbers {@code /_local/metrics} serves) and the circuit item every
 * {@code stateEvery} ticks. Counters are read before the item within a tick.
 */
public final class Sampler implements AutoCloseable {

    /** The counters of one tick. */
    public record Counters(int upstreamConcurrent, long upstreamThrottles, long upstreamInvocations,
                           long downstreamInvocations, int downstreamConcurrent) {
    }

    /** One read of the circuit item. */
    public record StateReading(String state, long openedAt, long retryAt) {
    }

    private final Supplier<Counters> counters;
    private final Supplier<StateReading> state;
    private final long t0Nanos;
    private final long tickNanos;
    private final int stateEvery;
    private final List<Tick> ticks = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    /** @param state null when there is no circuit to read (breaker off) */
    public Sampler(Supplier<Counters> counters, Supplier<StateReading> state, long t0Nanos, long tickMs, int stateEvery) {
        this.counters = counters;
        this.state = state;
        this.t0Nanos = t0Nanos;
        this.tickNanos = tickMs * 1_000_000L;
        this.stateEvery = Math.max(1, stateEvery);
        this.thread = new Thread(this::loop, "scenario-sampler");
        this.thread.setDaemon(true);
    }

    public Sampler start() {
        thread.start();
        return this;
    }

    private void loop() {
        long n = 0;
        while (!stop) {
            long due = t0Nanos + n * tickNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            double offsetMs = (System.nanoTime() - t0Nanos) / 1e6;
            Counters c = counters.get();
            StateReading s = null;
            if (state != null && n % stateEvery == 0) {
                try {
                    s = state.get();
                } catch (RuntimeException e) {
                    s = new StateReading("UNKNOWN", 0, 0);
                }
            }
            Tick tick = new Tick(offsetMs, c.upstreamConcurrent(), c.upstreamThrottles(), c.upstreamInvocations(),
                    c.downstreamInvocations(), c.downstreamConcurrent(), s == null ? null : s.state(),
                    s == null ? 0 : s.openedAt(), s == null ? 0 : s.retryAt());
            synchronized (ticks) {
                ticks.add(tick);
            }
            // A slow read skips ticks rather than bunching them up.
            long next = (System.nanoTime() - t0Nanos) / tickNanos + 1;
            n = Math.max(n + 1, next);
        }
    }

    /** Stops sampling and returns the ticks in time order. */
    public List<Tick> stop() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5000);
        synchronized (ticks) {
            return List.copyOf(ticks);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
