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

    private HtmlReport() {
    }

    public static String render(JsonNode scenario, ObjectMapper mapper) {
        return render(TEMPLATE, scenario, mapper);
    }

    /** {@code data} drawn by the template at resource path {@code templatePath}. */
    public static String render(String templatePath, JsonNode data, ObjectMapper mapper) {
        String template;
        try (InputStream in = HtmlReport.class.getResourceAsStream(templatePath)) {
            if (in == null) {
                throw new IllegalStateException("missing report template " + templatePath);
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String json;
        try {
            json = mapper.writeValueAsString(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return template
                .replace("@@CHARTJS_BANNER@@", "Chart.js " + ChartJs.version() + " (MIT License), from the org.webjars.npm:chart.js webjar")
                .replace("@@CHARTJS@@", ChartJs.script())
                .replace("@@DATA@@", scriptSafe(json));
    }

    /** JSON placed inside a script element must not close it or open a comment. */
    static String scriptSafe(String json) {
        return json.replace("</", "<\\/").replace("<!--", "<\\!--");
    }
}
