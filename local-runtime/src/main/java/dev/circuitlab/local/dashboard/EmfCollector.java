package dev.circuitlab.local.dashboard;

import dev.circuitlab.local.lambda.FunctionLog;
import dev.circuitlab.observability.EmfDocument;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads what the functions print as CloudWatch Logs does: every line that is an Embedded Metric
 * Format document becomes metric values in the {@link MetricStore} (at the document's timestamp,
 * under its namespace and dimension sets); every transition log line goes to the
 * {@link TransitionTimeline}. Listens to each function's {@link FunctionLog}.
 */
public final class EmfCollector implements Consumer<FunctionLog.Line> {

    private final MetricStore store;
    private final TransitionTimeline timeline;
    private final AtomicLong documents = new AtomicLong();

    public EmfCollector(MetricStore store, TransitionTimeline timeline) {
        this.store = store;
        this.timeline = timeline;
    }

    public void attach(FunctionLog log) {
        log.addListener(this);
    }

    public void detach(FunctionLog log) {
        log.removeListener(this);
    }

    @Override
    public void accept(FunctionLog.Line line) {
        try {
            EmfDocument.parse(line.message()).ifPresentOrElse(
                    this::collect,
                    () -> timeline.offer(line.function(), line.timeMillis(), line.message()));
        } catch (RuntimeException e) {
            // A line we cannot read costs a data point, never the function's invocation.
        }
    }

    /** Adds one document's metrics; also usable for lines captured elsewhere. */
    public void collect(EmfDocument document) {
        documents.incrementAndGet();
        Set<List<Object>> publishers = new HashSet<>();
        for (EmfDocument.Metric m : document.metrics()) {
            store.record(new MetricKey(m.namespace(), m.name(), m.dimensions()), m.unit(), m.values(), m.timestamp());
            if (publishers.add(List.of(m.namespace(), m.dimensions()))) {
                store.published(m.namespace(), m.dimensions(), m.timestamp());
            }
        }
    }

    /** EMF documents read so far. */
    public long documents() {
        return documents.get();
    }
}
