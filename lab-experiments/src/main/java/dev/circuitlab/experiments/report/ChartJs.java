package dev.circuitlab.experiments.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** Chart.js from its Maven Central webjar ({@code org.webjars.npm:chart.js}), for inlining. */
public final class ChartJs {

    private static final String POM_PROPERTIES = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    private ChartJs() {
    }

    public static String version() {
        try (InputStream in = resource(POM_PROPERTIES)) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The UMD build, without its source-map comment, safe inside a {@code <script>} element. */
    public static String script() {
        String path = "META-INF/resources/webjars/chart.js/" + version() + "/dist/chart.umd.min.js";
        try (InputStream in = resource(path)) {
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            js = js.replaceAll("(?m)^//# sourceMappingURL=.*$", "");
            if (js.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
                throw new IllegalStateException("Chart.js contains '</script': cannot inline it");
            }
            return js;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = ChartJs.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(path + " is not on the classpath (the org.webjars.npm:chart.js dependency)");
        }
        return in;
    }
}
