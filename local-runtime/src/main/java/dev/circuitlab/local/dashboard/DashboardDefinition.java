package dev.circuitlab.local.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CloudWatch dashboard body (the JSON of an {@code AWS::CloudWatch::Dashboard}'s
 * {@code DashboardBody}, intrinsics already resolved): its widgets, with their grid place, and for
 * metric widgets the title, view, statistic, period and metric lines, as CloudWatch reads them.
 *
 * <p>A metric line is {@code [Namespace, MetricName, DimName, DimValue, ..., {options}]}; {@code "."}
 * repeats the previous line's element at that position and a leading {@code "..."} repeats the
 * previous line's dimensions; options may set {@code stat}, {@code period}, {@code label},
 * {@code visible}, {@code id}. A line that is a math expression ({@code [{"expression": ...}]}) has no
 * metric key.
 */
public record DashboardDefinition(String name, List<Widget> widgets) {

    /** A widget on the 24-column grid. */
    public sealed interface Widget permits MetricWidget, TextWidget, OtherWidget {
        Place place();
    }

    public record Place(int x, int y, int width, int height) {
    }

    /**
     * @param stat   the widget's statistic (a line may override it)
     * @param period the widget's period in seconds (CloudWatch's default 300)
     * @param yAxis  the widget's {@code yAxis} object as written (may be null)
     * @param annotations the widget's {@code annotations} object as written (may be null)
     */
    public record MetricWidget(Place place, String title, String view, boolean stacked, String stat, int period,
                               List<MetricLine> metrics, JsonNode yAxis, JsonNode annotations) implements Widget {
    }

    public record TextWidget(Place place, String markdown) implements Widget {
    }

    /** A widget type the local dashboard does not draw (alarm, log, explorer...). */
    public record OtherWidget(Place place, String type, String title) implements Widget {
    }

    /**
     * One line of a metric widget.
     *
     * @param key        the metric, or null for a math expression
     * @param expression the expression, or null for a metric
     * @param stat       this line's statistic (its own, else the widget's)
     * @param period     this line's period (its own, else the widget's)
     * @param label      the label to show (CloudWatch's default is the metric name)
     */
    public record MetricLine(MetricKey key, String expression, String stat, int period, String label,
                             boolean visible) {
    }

    public static final int DEFAULT_PERIOD = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads a dashboard body.
     *
     * @throws IllegalArgumentException naming what is wrong, if it is not JSON or not a dashboard body
     */
    public static DashboardDefinition parse(String name, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("dashboard " + name + ": DashboardBody is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("widgets").isArray()) {
            throw new IllegalArgumentException("dashboard " + name + ": DashboardBody has no \"widgets\" array");
        }
        List<Widget> widgets = new ArrayList<>();
        int index = 0;
        for (JsonNode w : root.get("widgets")) {
            widgets.add(widget(name + " widget " + index++, w));
        }
        return new DashboardDefinition(name, List.copyOf(widgets));
    }

    /** Every metric of every metric widget (math expressions left out), in widget order. */
    public List<MetricKey> metricKeys() {
        List<MetricKey> keys = new ArrayList<>();
        for (Widget w : widgets) {
            if (w instanceof MetricWidget m) {
                m.metrics().stream().map(MetricLine::key).filter(k -> k != null && !keys.contains(k)).forEach(keys::add);
            }
        }
        return keys;
    }

    /** The first metric widget that shows a metric of this name, if any. */
    public Optional<MetricWidget> widgetShowing(String metricName) {
        return widgets.stream()
                .filter(w -> w instanceof MetricWidget)
                .map(w -> (MetricWidget) w)
                .filter(m -> m.metrics().stream().anyMatch(l -> l.key() != null && l.key().name().equals(metricName)))
                .findFirst();
    }

    private static Widget widget(String where, JsonNode w) {
        Place place = new Place(w.path("x").asInt(0), w.path("y").asInt(0), w.path("width").asInt(6),
                w.path("height").asInt(6));
        JsonNode p = w.path("properties");
        String type = w.path("type").asText("");
        return switch (type) {
            case "metric" -> metricWidget(where, place, p);
            case "text" -> new TextWidget(place, p.path("markdown").asText(""));
            default -> new OtherWidget(place, type, p.path("title").asText(type + " widget"));
        };
    }

    private static MetricWidget metricWidget(String where, Place place, JsonNode p) {
        String stat = p.path("stat").asText("Average");
        int period = p.path("period").asInt(DEFAULT_PERIOD);
        List<MetricLine> lines = new ArrayList<>();
        List<String> previous = List.of();
        int i = 0;
        for (JsonNode line : p.path("metrics")) {
            if (!line.isArray()) {
                throw new IllegalArgumentException(where + ": metrics[" + i + "] is not an array");
            }
            List<String> parts = new ArrayList<>();
            JsonNode options = NullNode.getInstance();
            for (JsonNode part : line) {
                if (part.isObject()) {
                    options = part;
                } else {
                    parts.add(part.asText());
                }
            }
            String lineStat = options.path("stat").asText(stat);
            int linePeriod = options.path("period").asInt(period);
            boolean visible = options.path("visible").asBoolean(true);
            if (options.hasNonNull("expression")) {
                String expression = options.get("expression").asText();
                lines.add(new MetricLine(null, expression, lineStat, linePeriod,
                        options.path("label").asText(expression), visible));
            } else {
                List<String> full = expand(where + ": metrics[" + i + "]", parts, previous);
                previous = full;
                MetricKey key = new MetricKey(full.get(0), full.get(1), dimensions(where + ": metrics[" + i + "]", full));
                lines.add(new MetricLine(key, null, lineStat, linePeriod, options.path("label").asText(key.name()),
                        visible));
            }
            i++;
        }
        return new MetricWidget(place, p.path("title").asText(""), p.path("view").asText("timeSeries"),
                p.path("stacked").asBoolean(false), stat, period, List.copyOf(lines),
                p.hasNonNull("yAxis") ? p.get("yAxis") : null, p.hasNonNull("annotations") ? p.get("annotations") : null);
    }

    /** Applies CloudWatch's {@code "."} and {@code "..."} shorthands against the previous line. */
    private static List<String> expand(String where, List<String> parts, List<String> previous) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.equals("...")) {
                // CloudWatch: "..." stands for the previous line's elements from here on, less as many
                // as follow it (["...", "i-2"] after [ns, name, "InstanceId", "i-1"] changes the value).
                List<String> rest = parts.subList(i + 1, parts.size());
                int upTo = previous.size() - rest.size();
                if (upTo < i) {
                    throw new IllegalArgumentException(where + ": \"...\" has no previous metric line to repeat");
                }
                out.addAll(previous.subList(i, upTo));
                for (String r : rest) {
                    out.add(r.equals(".") ? previous.get(out.size()) : r);
                }
                return checked(where, out, parts);
            }
            if (part.equals(".")) {
                if (i >= previous.size()) {
                    throw new IllegalArgumentException(where + ": \".\" at position " + i + " has nothing to repeat");
                }
                out.add(previous.get(i));
            } else {
                out.add(part);
            }
        }
        return checked(where, out, parts);
    }

    private static List<String> checked(String where, List<String> full, List<String> written) {
        if (full.size() < 2 || full.size() % 2 != 0) {
            throw new IllegalArgumentException(where + ": expected [Namespace, MetricName, (DimensionName, Value)...], got "
                    + written);
        }
        return full;
    }

    private static Map<String, String> dimensions(String where, List<String> full) {
        Map<String, String> dims = new LinkedHashMap<>();
        for (int i = 2; i + 1 < full.size(); i += 2) {
            if (dims.put(full.get(i), full.get(i + 1)) != null) {
                throw new IllegalArgumentException(where + ": dimension " + full.get(i) + " given twice");
            }
        }
        return dims;
    }
}
