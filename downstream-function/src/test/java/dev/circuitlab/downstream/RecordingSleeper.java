package dev.circuitlab.downstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records requested sleeps instead of sleeping, so latency and timeout faults cost tests nothing. */
final class RecordingSleeper implements Sleeper {

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
    }

    List<Long> sleptMillis() {
        return sleeps.stream().map(Duration::toMillis).toList();
    }

    long totalMillis() {
        return sleeps.stream().mapToLong(Duration::toMillis).sum();
    }
}
