package dev.circuitlab.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.LocalCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: what it prints, and that every user mistake is one line on stderr and a non-zero exit. */
class LabCommandTest {

    private static DynaliteServer dynalite;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDynalite() {
        dynalite = DynaliteServer.start(Fixtures.projectRoot());
    }

    @AfterAll
    static void stopDynalite() {
        if (dynalite != null) {
            dynalite.close();
        }
    }

    private record Outcome(int exit, List<String> out, List<String> err) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new LabCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Outcome(exit, lines(out), lines(err));
    }

    private static List<String> lines(ByteArrayOutputStream s) {
        String text = s.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
    }

    private static void assertOneLineError(Outcome o, String expected) {
        assertEquals(1, o.exit(), o.toString());
        assertEquals(1, o.err().size(), "exactly one line: " + o.err());
        assertTrue(o.err().get(0).startsWith("lab: "), o.err().get(0));
        assertTrue(o.err().get(0).contains(expected), "expected '" + expected + "' in: " + o.err().get(0));
        assertFalse(o.err().get(0).contains("Exception"), "no exception names or stack traces: " + o.err());
        assertTrue(o.out().isEmpty(), o.out().toString());
    }

    private String fixture() {
        return Fixtures.fixtureTemplate().toString();
    }

    @Test
    void invokePrintsTheResponseOnStdoutAndLogsOnStderr() throws IOException {
        Path event = dir.resolve("event.json");
        Files.writeString(event, """
                {"version":"2.0","routeKey":"GET /items/{id}","rawPath":"/items/42","rawQueryString":"",
                 "headers":{"accept":"application/json"},"pathParameters":{"id":"42"},
                 "requestContext":{"http":{"method":"GET","path":"/items/42"}},"isBase64Encoded":false}""");
        Outcome o = run("invoke", "EchoFunction", "-e", event.toString(), "--template", fixture(),
                "--dynamodb-endpoint", dynalite.endpoint().toString());
        assertEquals(0, o.exit(), o.err().toString());
        assertEquals(1, o.out().size(), "stdout is the response only: " + o.out());
        JsonNode response = new ObjectMapper().readTree(o.out().get(0));
        assertEquals(200, response.get("statusCode").asInt());
        assertEquals("42", new ObjectMapper().readTree(response.get("body").asText()).at("/pathParameters/id").asText());
        assertTrue(o.err().stream().anyMatch(l -> l.startsWith("[EchoFunction] REPORT RequestId: ") && l.contains("Init Duration")),
                o.err().toString());
    }

    @Test
    void invokeOfAFailingFunctionPrintsLambdasErrorPayload() throws IOException {
        Path event = dir.resolve("fail.json");
        Files.writeString(event, "{\"rawPath\":\"/echo\",\"queryStringParameters\":{\"fail\":\"1\"}}");
        Outcome o = run("invoke", "EchoFunction", "-e", event.toString(), "--template", fixture(),
                "--dynamodb-endpoint", dynalite.endpoint().toString());
        assertEquals(0, o.exit(), "like sam local invoke, a function error is the function's result");
        JsonNode error = new ObjectMapper().readTree(o.out().get(0));
        assertEquals("java.lang.IllegalStateException", error.get("errorType").asText());
        assertEquals("secret failure detail", error.get("errorMessage").asText());
    }

    @Test
    void unknownFunction() {
        assertOneLineError(run("invoke", "NoSuchFunction", "--template", fixture()),
                "unknown function 'NoSuchFunction': the template's functions are EchoFunction, CallerFunction");
    }

    @Test
    void missingEventFile() {
        assertOneLineError(run("invoke", "EchoFunction", "-e", dir.resolve("nope.json").toString(), "--template", fixture()),
                "event file not found: ");
    }

    @Test
    void malformedEventFile() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"rawPath\": \"/echo\",\n  oops }");
        assertOneLineError(run("invoke", "EchoFunction", "-e", bad.toString(), "--template", fixture()),
                "is not valid JSON (line 2, column ");
    }

    @Test
    void templateParseError() throws IOException {
        Path bad = dir.resolve("template.yaml");
        Files.writeString(bad, "Resources:\n  A:\n    Type: AWS::Serverless::Function\n     Handler: [\n");
        assertOneLineError(run("start-api", "--port", "0", "--template", bad.toString()), "cannot parse template " + bad + ": line ");
        assertOneLineError(run("start-api", "--port", "0", "--template", dir.resolve("missing.yaml").toString()),
                "template not found: ");
    }

    @Test
    void portInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertOneLineError(run("start-api", "--port", Integer.toString(taken.getLocalPort()), "--template", fixture(),
                    "--dynamodb-endpoint", dynalite.endpoint().toString()),
                    "port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
        }
    }

    @Test
    void badParameterOverride() {
        assertOneLineError(run("start-api", "--port", "0", "--template", fixture(), "--parameter-overrides", "Stage=qa"),
                "parameter Stage override 'qa' is not one of [dev, prod]");
    }

    @Test
    void usageMistakesExitWith2() {
        Outcome o = run("start-api", "--port", "x");
        assertEquals(2, o.exit());
        assertTrue(o.err().get(0).startsWith("lab: --port needs a number"), o.err().toString());
        assertEquals(2, run("invoke").exit());
        assertEquals(2, run("start-api", "--bogus").exit());
        assertEquals(2, run("start-api", "--parameter-overrides").exit());
        assertEquals(2, run("frobnicate").exit());
    }

    @Test
    void nodeMissingIsOneLineInAChildJvm() throws InterruptedException {
        try (ChildJvm child = ChildJvm.start(Map.of("PATH", dir.toString()),
                "start-api", "--port", "0", "--template", fixture(), "--project-root", Fixtures.projectRoot().toString())) {
            int exit = child.awaitExit(60);
            assertEquals(1, exit, child.stderr().toString());
            assertEquals(List.of("lab: Node.js is not installed or not on PATH; it runs the local DynamoDB server"
                    + " (dynalite): install Node.js 20+, or pass --dynamodb-endpoint URL"), child.stderr());
            assertTrue(child.stdout().isEmpty(), child.stdout().toString());
        }
    }

    @Test
    void parameterOverridesAcceptSamForms() {
        LabCommand.Arguments a = LabCommand.Arguments.parse(new String[] {"start-api", "--parameter-overrides",
                "A=1", "B=x=y", "ParameterKey=C,ParameterValue=3", "D=4 E=5", "--port", "9"});
        assertEquals(Map.of("A", "1", "B", "x=y", "C", "3", "D", "4", "E", "5"), a.overrides);
        assertEquals(9, a.port);
    }

    @Test
    void signaturesAreCheckedUnlessNoAuthIsAskedFor() {
        RuntimeOptions checked = LabCommand.Arguments.parse(new String[] {"start-api"}).options(true, System.err);
        RuntimeOptions open = LabCommand.Arguments.parse(new String[] {"start-api", "--no-auth"}).options(true, System.err);
        assertTrue(checked.verifySignatures());
        assertFalse(open.verifySignatures());
        assertEquals(LocalCredentials.fromEnvironment(System.getenv()), checked.credentials());
    }
}
