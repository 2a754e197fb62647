package dev.circuitlab.experiments.scenario;

/**
 * One request of the load.
 *
 * @param sentOffsetMs when it was due, in ms from the start of the timeline (open loop: latency is
 *                     measured from this intended time, so a late dispatch is not hidden)
 * @param latencyMs    due time to the end of the response (the client timeout if it gave up; NaN if dropped)
 * @param status       HTTP status, -1 without a response
 */
public record RequestRecord(Route route, double sentOffsetMs, double latencyMs, int status, Outcome outcome) {
}
