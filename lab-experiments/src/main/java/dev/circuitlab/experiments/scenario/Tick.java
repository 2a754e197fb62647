package dev.circuitlab.experiments.scenario;

/**
 * One sample of the local runtime, every few ms (counters) and every few ticks (the circuit item).
 *
 * @param offsetMs              ms from the start of the timeline
 * @param upstreamConcurrent    upstream executions running now
 * @param upstreamThrottles     cumulative throttled upstream requests (429)
 * @param upstreamInvocations   cumulative upstream invocations
 * @param downstreamInvocations cumulative downstream invocations
 * @param downstreamConcurrent  downstream executions running now
 * @param state                 circuit state read in this tick (read after the counters), or null if not read
 * @param openedAt              the item's open timestamp when read (0 otherwise)
 * @param retryAt               the item's retry time when read
 */
public record Tick(double offsetMs, int upstreamConcurrent, long upstreamThrottles, long upstreamInvocations,
                   long downstreamInvocations, int downstreamConcurrent, String state, long openedAt, long retryAt) {

    public boolean hasState() {
        return state != null;
    }
}
