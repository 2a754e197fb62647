package dev.circuitlab.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The scenario report: one self-contained HTML file (Chart.js and the data inlined; it loads
 * nothing from the network), drawing the two runs side by side from the series JSON.
 */
public final class HtmlReport {

    private static final String TEMPLATE = "/dev/circuitlab/experiments/report/scenario-report.html";

    private HtmlReport() {
    }

    public static String render(JsonNode scenario, ObjectMapper mapper) {
        String template;
        try (InputStream in = HtmlReport.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("missing report template " + TEMPLATE);
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String json;
        try {
            json = mapper.writeValueAsString(scenario);
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
