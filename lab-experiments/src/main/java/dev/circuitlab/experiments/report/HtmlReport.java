package dev.circuitlab.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The experiments' reports: one self-contained HTML file each (Chart.js and the data inlined; it
 * loads nothing from the network), drawn by a template from the command's JSON. The scenario
 * report draws the two runs side by side; the fleet report, the three breakers.
 */
public final class HtmlReport {

    private static final String TEMPLATE = "/dev/circuitlab/experiments/report/scenario-report.html";
    /** {@code ./lab fleet}'s report. */
    public static final String FLEET_TEMPLATE = "/dev/circuitlab/experiments/report/fleet-report.html";
    /** The chart grid both reports draw with, inlined after Chart.js where a template says {@code @@SCRIPTS@@}. */
    private static final String CHART_GRID_SCRIPT = "/dev/circuitlab/experiments/report/report-charts.js";

    private HtmlReport() {
    }

    public static String render(JsonNode scenario, ObjectMapper mapper) {
        return render(TEMPLATE, scenario, mapper);
    }

    /** {@code data} drawn by the template at resource path {@code templatePath}. */
    public static String render(String templatePath, JsonNode data, ObjectMapper mapper) {
        String template = resource(templatePath);
        String json;
        try {
            json = mapper.writeValueAsString(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String scripts = "<script>\n/* Chart.js " + ChartJs.version() + " (MIT License), from the org.webjars.npm:chart.js webjar */\n"
                + ChartJs.script() + "\n</script>\n<script>\n" + resource(CHART_GRID_SCRIPT) + "</script>";
        return template.replace("@@SCRIPTS@@", scripts).replace("@@DATA@@", scriptSafe(json));
    }

    private static String resource(String path) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing report resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON placed inside a script element must not close it or open a comment. */
    static String scriptSafe(String json) {
        return json.replace("</", "<\\/").replace("<!--", "<\\!--");
    }
}
