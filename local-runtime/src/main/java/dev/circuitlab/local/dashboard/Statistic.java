package dev.circuitlab.local.dashboard;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudWatch statistic a widget asks for: {@code SampleCount}, {@code Sum}, {@code Average},
 * {@code Minimum}, {@code Maximum} or a percentile {@code pNN} / {@code pNN.NN}. Other extended
 * statistics (trimmed means, {@code IQM}, ...) are not computed locally.
 */
public record Statistic(String text, Kind kind, double percentile) {

    public enum Kind { SAMPLE_COUNT, SUM, AVERAGE, MINIMUM, MAXIMUM, PERCENTILE }

    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(\\.\\d{1,10})?|100)");

    /** The statistic named {@code text} (CloudWatch spelling), if it is computed locally. */
    public static Optional<Statistic> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Kind kind = switch (text) {
            case "SampleCount" -> Kind.SAMPLE_COUNT;
            case "Sum" -> Kind.SUM;
            case "Average" -> Kind.AVERAGE;
            case "Minimum" -> Kind.MINIMUM;
            case "Maximum" -> Kind.MAXIMUM;
            default -> null;
        };
        if (kind != null) {
            return Optional.of(new Statistic(text, kind, 0));
        }
        Matcher m = PERCENTILE.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            return Optional.of(new Statistic(text, Kind.PERCENTILE, Double.parseDouble(m.group(1))));
        }
        return Optional.empty();
    }

    /**
     * Whether a period without samples, in which the metric's publisher did publish, counts as 0.
     * True for Sum and SampleCount: an EMF document holds all the counts of one invocation, so a
     * count it does not name was 0 in that invocation. Never true for gauges, latencies or extremes.
     */
    public boolean zeroWhenAbsent() {
        return kind == Kind.SUM || kind == Kind.SAMPLE_COUNT;
    }

    /** The statistic of one period's samples. */
    public double of(Samples samples) {
        return switch (kind) {
            case SAMPLE_COUNT -> samples.count();
            case SUM -> samples.sum();
            case AVERAGE -> samples.sum() / samples.count();
            case MINIMUM -> samples.min();
            case MAXIMUM -> samples.max();
            case PERCENTILE -> samples.percentile(percentile);
        };
    }
}
