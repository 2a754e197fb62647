package dev.circuitlab.experiments.simulation;

import dev.circuitlab.breaker.CircuitStateStore;
import dev.circuitlab.breaker.internal.InMemoryCircuitStateStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code ./lab torture}: runs many seeded {@link BreakerHistory histories} and reports every seed
 * whose history violates an invariant, with the command that replays it and the trace of its last
 * events. {@code --seed N --trace} replays one history and prints all of it.
 */
public final class TortureCommand {

    /** Steps of one history: long enough for several trips and recoveries, short enough for thousands per minute. */
    public static final int DEFAULT_STEPS = 400;

    /** What a run found. */
    public record Result(int histories, List<BreakerHistory.Violation> violations, long millis) {
        public boolean passed() {
            return violations.isEmpty();
        }
    }

    private TortureCommand() {
    }

    /** Runs the histories of seeds {@code first .. first + count - 1}. */
    public static Result run(long first, int count, int steps, Supplier<CircuitStateStore> store) {
        long start = System.nanoTime();
        List<BreakerHistory.Violation> violations = new ArrayList<>();
        for (long seed = first; seed < first + count; seed++) {
            BreakerHistory.Violation v = new BreakerHistory(seed, steps, store, false).run();
            if (v != null) {
                violations.add(v);
            }
        }
        return new Result(count, violations, (System.nanoTime() - start) / 1_000_000);
    }

    /** Runs {@code count} seeds from {@code first}, or replays one seed; prints the outcome. Exit code 0 or 1. */
    public static int main(long first, int count, int steps, boolean replay, PrintStream out) {
        if (replay) {
            BreakerHistory history = new BreakerHistory(first, steps, InMemoryCircuitStateStore::new, true);
            BreakerHistory.Violation v = history.run();
            history.trace().forEach(out::println);
            out.println(v == null ? "seed " + first + ": no invariant violated in " + steps + " steps"
                    : "seed " + first + ", step " + v.step() + ": " + v.invariant());
            return v == null ? 0 : 1;
        }
        Result r = run(first, count, steps, InMemoryCircuitStateStore::new);
        out.printf("torture: %d histories of %d steps (seeds %d..%d) in %.1f s: %s%n", r.histories(), steps, first,
                first + count - 1, r.millis() / 1000.0,
                r.passed() ? "no invariant violated" : r.violations().size() + " violated an invariant");
        for (BreakerHistory.Violation v : r.violations().subList(0, Math.min(5, r.violations().size()))) {
            out.println();
            out.println("seed " + v.seed() + ", step " + v.step() + ": " + v.invariant());
            out.println("replay: " + v.replayCommand());
            List<String> t = v.trace();
            t.subList(Math.max(0, t.size() - 40), t.size()).forEach(line -> out.println("  " + line));
        }
        return r.passed() ? 0 : 1;
    }
}
