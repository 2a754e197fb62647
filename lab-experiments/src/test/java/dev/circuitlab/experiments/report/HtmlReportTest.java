package dev.circuitlab.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.experiments.scenario.RunResult;
import dev.circuitlab.experiments.scenario.ScenarioAnalysis;
import dev.circuitlab.experiments.scenario.ScenarioDocument;
import dev.circuitlab.experiments.scenario.ScenarioOptions;
import dev.circuitlab.experiments.scenario.TestRuns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode document() {
        RunResult on = TestRuns.breakerOn();
        RunResult off = TestRuns.breakerOff();
        ScenarioOptions options = ScenarioOptions.defaults(Path.of("."), Path.of("out"))
                .with(20, 5, on.timeline(), 42, java.time.Duration.ZERO, Map.of(), Path.of("out"), false);
        return ScenarioDocument.build(MAPPER, options, List.of(on, off), ScenarioAnalysis.checks(on, off),
                Map.of("cores", 2, "memoryGiB", 24, "jdk", "test"), 1.0);
    }

    @Test
    void theReportIsOneSelfContainedFileWithTheLibraryAndTheData() throws Exception {
        ObjectNode doc = document();
        String html = HtmlReport.render(doc, MAPPER);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        // Chart.js itself is inlined, from the webjar (not drawn by hand, not fetched).
        assertTrue(html.contains("Chart.js v" + ChartJs.version()), "the library's banner");
        assertTrue(html.contains("new Chart(canvas, cfg)"));
        assertFalse(Pattern.compile("<script[^>]+src=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no external script");
        assertFalse(Pattern.compile("<link[^>]+href=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no external stylesheet");
        assertFalse(html.contains("sourceMappingURL"), "no source map to fetch");
        assertFalse(html.contains("@@"), "every placeholder filled");
        // The data is the series JSON, both runs, readable back.
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"scenario-data\">(.*?)</script>", Pattern.DOTALL)
                .matcher(html);
        assertTrue(m.find());
        JsonNode data = MAPPER.readTree(m.group(1));
        assertEquals(2, data.get("runs").size());
        assertEquals("breaker-on", data.at("/runs/0/name").asText());
        assertEquals("breaker-off", data.at("/runs/1/name").asText());
        assertTrue(data.at("/runs/0/series/circuitState").isArray());
        assertEquals(doc.at("/runs/1/series/upstream.p99Ms"), data.at("/runs/1/series/upstream.p99Ms"));
    }

    @Test
    void dataCannotCloseTheScriptElement() {
        assertEquals("{\"a\":\"<\\/script><\\!--\"}", HtmlReport.scriptSafe("{\"a\":\"</script><!--\"}"));
    }

    @Test
    void chartJsComesFromTheWebjar() {
        assertTrue(ChartJs.version().matches("\\d+\\.\\d+\\.\\d+"), ChartJs.version());
        String js = ChartJs.script();
        assertTrue(js.length() > 100_000, "the whole UMD build");
        assertFalse(js.toLowerCase().contains("</script"));
    }

    @Test
    void textTableAlignsColumns() {
        String t = new TextTable("", "a", "bb").row("x", 1, 22).row("long name", "333", null).render();
        assertEquals("""
                          |   a | bb
                ----------+-----+---
                x         |   1 | 22
                long name | 333 |
                """, t);
    }
}
