package dev.circuitlab.stack;

import dev.circuitlab.local.dashboard.DashboardDefinition;
import dev.circuitlab.local.dashboard.MetricKey;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.SamTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics template.yaml names, resolved with local values (parameter defaults and overrides,
 * resources' local names): every metric line of every {@code AWS::CloudWatch::Dashboard} widget,
 * and the metric of every {@code AWS::CloudWatch::Alarm} (single-metric alarms, and the
 * {@code MetricStat} entries of metric-math alarms). Each with where it is referenced.
 */
final class TemplateMetricReferences {

    private final Map<MetricKey, List<String>> onDashboards = new LinkedHashMap<>();
    private final Map<MetricKey, List<String>> inAlarms = new LinkedHashMap<>();

    private TemplateMetricReferences() {
    }

    static TemplateMetricReferences load(Map<String, String> parameterOverrides) {
        SamTemplate template = SamTemplate.load(StackTemplate.projectRoot().resolve("template.yaml"));
        LocalBindings bindings = new LocalBindings(parameterOverrides, "http://127.0.0.1:0", Map.of());
        TemplateMetricReferences refs = new TemplateMetricReferences();
        template.resolvedProperties("AWS::CloudWatch::Dashboard", bindings).forEach((id, props) -> {
            DashboardDefinition d = DashboardDefinition.parse(id, String.valueOf(props.get("DashboardBody")));
            for (DashboardDefinition.Widget w : d.widgets()) {
                if (w instanceof DashboardDefinition.MetricWidget m) {
                    for (DashboardDefinition.MetricLine line : m.metrics()) {
                        if (line.key() != null) {
                            add(refs.onDashboards, line.key(), "dashboard " + id + " widget \"" + m.title() + "\"");
                        }
                    }
                }
            }
        });
        template.resolvedProperties("AWS::CloudWatch::Alarm", bindings).forEach((id, props) -> {
            if (props.get("MetricName") != null) {
                add(refs.inAlarms, key(props.get("Namespace"), props.get("MetricName"), props.get("Dimensions")),
                        "alarm " + id);
            }
            for (Object query : StackTemplate.list(props.get("Metrics"))) {
                Map<String, Object> metric = StackTemplate.map(StackTemplate.map(
                        StackTemplate.map(query).get("MetricStat")).get("Metric"));
                if (!metric.isEmpty()) {
                    add(refs.inAlarms, key(metric.get("Namespace"), metric.get("MetricName"), metric.get("Dimensions")),
                            "alarm " + id + " (metric math)");
                }
            }
        });
        return refs;
    }

    private static MetricKey key(Object namespace, Object name, Object dimensions) {
        Map<String, String> dims = new LinkedHashMap<>();
        for (Object d : StackTemplate.list(dimensions)) {
            Map<String, Object> dim = StackTemplate.map(d);
            dims.put(String.valueOf(dim.get("Name")), String.valueOf(dim.get("Value")));
        }
        return new MetricKey(String.valueOf(namespace), String.valueOf(name), dims);
    }

    private static void add(Map<MetricKey, List<String>> into, MetricKey key, String where) {
        List<String> places = into.computeIfAbsent(key, k -> new ArrayList<>());
        if (!places.contains(where)) {
            places.add(where);
        }
    }

    /** Metric → the dashboard widgets that show it. */
    Map<MetricKey, List<String>> onDashboards() {
        return onDashboards;
    }

    /** Metric → every place that references it: dashboard widgets and alarms. */
    Map<MetricKey, List<String>> all() {
        Map<MetricKey, List<String>> all = new LinkedHashMap<>();
        onDashboards.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        inAlarms.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        return all;
    }
}
