package dev.circuitlab.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.circuitlab.testing.DynaliteServer;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColdStartMainTest {

    @Test
    void miniJsonReadsTheUsualShapes() {
        assertEquals(Map.of("a", List.of(1L, 2.5, true, "x\"y\u00e9"), "b", Map.of()),
                MiniJson.parse(" {\"a\": [1, 2.5, true, \"x\\\"y\\u00e9\"], \"b\": {}} "));
        java.util.Map<String, Object> withNull = new java.util.HashMap<>();
        withNull.put("n", null);
        assertEquals(withNull, MiniJson.parse("{\"n\":null}"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\":1"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("[1] x"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEventFilesBecomeHttpApiEvents() throws Exception {
        for (String file : ColdStartBench.EVENTS.values()) {
            String text = Files.readString(DynaliteServer.projectRoot().resolve(file));
            APIGatewayV2HTTPEvent e = ColdStartMain.toEvent((Map<String, Object>) MiniJson.parse(text));
            assertEquals("GET", e.getRequestContext().getHttp().getMethod(), file);
            assertEquals(e.getRawPath(), e.getRequestContext().getHttp().getPath(), file);
            assertEquals("$default", e.getRequestContext().getStage());
        }
    }
}
