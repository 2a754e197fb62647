package dev.circuitlab.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionEnvironmentTest {

    private static FunctionEnvironment env(String... pairs) {
        HashMap<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return new FunctionEnvironment(map);
    }

    /** Every rejection names the variable and quotes the value. */
    private static void assertRejected(Executable read, String variable, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
        assertTrue(e.getMessage().contains(variable), e.getMessage());
        assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
    }

    @Test
    void blankIsUnsetAndValuesAreStripped() {
        FunctionEnvironment env = env("A", "  x ", "B", " ", "C", "");

        assertEquals("x", env.optional("A"));
        assertNull(env.optional("B"));
        assertNull(env.optional("C"));
        assertNull(env.optional("D"));
    }

    @Test
    void aMissingRequiredVariableIsNamedWithWhatItIsFor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> env("TABLE", " ").required("TABLE", "the table of things"));
        assertEquals("TABLE is required: the table of things", e.getMessage());
        assertEquals("T", env("TABLE", "T").required("TABLE", "the table of things"));
    }

    @Test
    void flagsAreTrueOrFalseInAnyCase() {
        assertTrue(env("F", " TRUE ").flag("F", false));
        assertFalse(env("F", "false").flag("F", true));
        assertTrue(env().flag("F", true));
        assertFalse(env("F", "").flag("F", false));
        assertRejected(() -> env("F", "yes").flag("F", false), "F", "yes");
    }

    @Test
    void wholeNumbersAreBounded() {
        assertEquals(7, env("N", "7").wholeNumber("N", 1, 1, 10));
        assertEquals(1, env().wholeNumber("N", 1, 1, 10));
        assertEquals(10, env("N", "10").wholeNumber("N", 1, 1, 10));
        assertRejected(() -> env("N", "11").wholeNumber("N", 1, 1, 10), "N", "11");
        assertRejected(() -> env("N", "0").wholeNumber("N", 1, 1, 10), "N", "0");
        assertRejected(() -> env("N", "1.5").wholeNumber("N", 1, 1, 10), "N", "1.5");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> env("N", "x").wholeNumber("N", 1, 1, 10))
                .getMessage().contains("from 1 to 10"));
    }

    @Test
    void millisAreZeroOrMore() {
        assertEquals(Duration.ZERO, env("T", "0").millis("T", Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), env().millis("T", Duration.ofSeconds(1)));
        assertRejected(() -> env("T", "-1").millis("T", Duration.ZERO), "T", "-1");
        assertRejected(() -> env("T", "25s").millis("T", Duration.ZERO), "T", "25s");
    }

    @Test
    void aBaseUrlLosesItsTrailingSlash() {
        assertEquals(URI.create("https://abc.example.com/prod"),
                env("U", "https://abc.example.com/prod/").baseUrl("U"));
        assertEquals(URI.create("HTTP://127.0.0.1:8000"), env("U", "HTTP://127.0.0.1:8000").baseUrl("U"));
        assertNull(env("U", "").baseUrl("U"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com", "localhost:8000", "http://example.com/?q=1", "http://example.com/#f",
            "http://[bad", "/relative"})
    void anythingButAnHttpUrlWithAHostIsRejected(String value) {
        assertRejected(() -> env("U", value).baseUrl("U"), "U", value);
    }

    @Test
    void anEndpointOverrideWithoutARegionGetsTheLocalDefault() {
        FunctionEnvironment local = env(FunctionEnvironment.DYNAMODB_ENDPOINT, "http://127.0.0.1:8000/");
        URI endpoint = local.dynamoDbEndpoint();

        assertEquals(URI.create("http://127.0.0.1:8000"), endpoint);
        assertEquals("us-east-1", local.region(endpoint));
        assertEquals("eu-west-1", env(FunctionEnvironment.AWS_REGION, "eu-west-1").region(endpoint));
        assertNull(env().region(env().dynamoDbEndpoint()), "no endpoint, no region: the SDK's chain decides");
    }

    @Test
    void variablesAreReadByNameOnly() {
        Map<String, String> onlyGets = new AbstractMap<>() {
            @Override
            public Set<Entry<String, String>> entrySet() {
                throw new AssertionError("the environment was iterated");
            }

            @Override
            public String get(Object key) {
                return "AWS_REGION".equals(key) ? "eu-west-1" : null;
            }
        };
        FunctionEnvironment env = new FunctionEnvironment(onlyGets);

        assertEquals("eu-west-1", env.region(env.dynamoDbEndpoint()));
    }
}
