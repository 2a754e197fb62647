package dev.circuitlab.experiments.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link BreakerDecisionBenchmark} with JMH: 1 fork, 2 x 1 s warm-up, 3 x 1 s measurement (short on purpose). */
final class JmhBench {

    /**
     * @param error 99.9% confidence half-width as JMH reports it (wide with only 3 iterations)
     * @param min   slowest measurement iteration
     * @param max   fastest measurement iteration
     */
    record Score(String benchmark, double opsPerSecond, double error, double min, double max, String unit) {
        double nanosPerOp() {
            return 1e9 / opsPerSecond;
        }
    }

    static final int FORKS = 1;
    static final int WARMUP_ITERATIONS = 2;
    static final int MEASUREMENT_ITERATIONS = 3;

    private JmhBench() {
    }

    /** A fixed small heap; on JDK 24+ JMH's use of sun.misc.Unsafe would print a warning in the fork. */
    static String[] forkArgs() {
        return Runtime.version().feature() >= 24
                ? new String[] {"-Xms256m", "-Xmx256m", "--sun-misc-unsafe-memory-access=allow"}
                : new String[] {"-Xms256m", "-Xmx256m"};
    }

    static List<Score> run(Path log, boolean quick) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(Pattern.quote(BreakerDecisionBenchmark.class.getName()) + "\\..*")
                .forks(FORKS)
                .warmupIterations(quick ? 1 : WARMUP_ITERATIONS)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 1 : MEASUREMENT_ITERATIONS)
                .measurementTime(TimeValue.seconds(1))
                .threads(1)
                .jvmArgs(forkArgs())
                .output(log.toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        List<Score> scores = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            var primary = r.getPrimaryResult();
            scores.add(new Score(name.substring(name.lastIndexOf('.') + 1), primary.getScore(), primary.getScoreError(),
                    primary.getStatistics().getMin(), primary.getStatistics().getMax(), primary.getScoreUnit()));
        }
        return scores;
    }
}
