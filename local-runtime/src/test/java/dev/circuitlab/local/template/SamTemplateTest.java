package dev.circuitlab.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.local.Fixtures;
import dev.circuitlab.local.LabException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SamTemplateTest {

    private static final String BASE = "http://127.0.0.1:4567";

    private static ResolvedTemplate fixture(Map<String, String> overrides) {
        return SamTemplate.load(Fixtures.fixtureTemplate())
                .resolve(new LocalBindings(overrides, BASE, Map.of("DYNAMODB_ENDPOINT", "http://127.0.0.1:9999")));
    }

    @Test
    void resolvesIntrinsicsGlobalsAndConditions() {
        ResolvedTemplate t = fixture(Map.of());
        FunctionDefinition echo = t.function("EchoFunction").orElseThrow();
        Map<String, String> env = echo.environment();
        assertEquals("hello", env.get("GREETING"), "function variables win over Globals");
        assertEquals("from-globals", env.get("GLOBAL_VAR"));
        assertEquals("ItemsTable", env.get("TABLE"), "a table without TableName is named by its logical ID");
        assertEquals("local-named", env.get("NAMED_TABLE"));
        assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/ItemsTable", env.get("TABLE_ARN"));
        assertEquals(env.get("TABLE_ARN"), env.get("TABLE_ARN_LONG"));
        assertEquals("development", env.get("MODE"));
        assertEquals("yes-both", env.get("BOTH"));
        assertEquals("yes-either", env.get("EITHER"));
        assertEquals(BASE + "/echo", env.get("SELF_URL"), "the API's execute-api URL becomes the local server");
        assertEquals("hello@123456789012:${Literal}", env.get("SUB_WITH_VARS"));
        assertEquals("a-dev-y", env.get("JOINED"));
        assertEquals("r", env.get("SPLIT_PICK"));
        assertEquals("debug", env.get("LEVEL"));
        assertEquals("1.5", env.get("RATIO"));
        assertEquals("aGk=", env.get("ENCODED"));
        assertFalse(env.containsKey("OPTIONAL"), "AWS::NoValue removes the variable");
        assertEquals("http://127.0.0.1:9999", env.get("DYNAMODB_ENDPOINT"));

        assertEquals(2, echo.timeoutSeconds());
        assertEquals(256, echo.memorySizeMb(), "MemorySize from Globals");
        assertEquals(OptionalInt.of(3), echo.reservedConcurrency());
        assertEquals("dev.circuitlab.local.fixtures.EchoHandler", echo.handlerClass());
        assertEquals("handleRequest", echo.handlerMethod());

        FunctionDefinition caller = t.function("CallerFunction").orElseThrow();
        assertEquals(BASE, caller.environment().get("TARGET_URL"), "Fn::GetAtt Api.ApiEndpoint is the local URL");
        assertEquals("handleRequest", caller.handlerMethod(), "a Handler without ::method means handleRequest");
        assertEquals(5, caller.timeoutSeconds(), "Timeout from Globals");
        assertTrue(caller.reservedConcurrency().isEmpty());

        assertFalse(t.functions().containsKey("ProdOnlyFunction"), "resources whose Condition is false do not exist");
        assertEquals(List.of("ItemsTable", "local-named"), t.tables().stream().map(TableDefinition::tableName).toList());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("PlainFunction.Rest")), t.warnings().toString());
    }

    @Test
    void collectsHttpApiRoutes() {
        List<String> routes = fixture(Map.of()).routes().stream()
                .map(r -> r.apiId() + " " + r.routeKey() + " -> " + r.functionId() + (r.iamAuth() ? " (IAM)" : ""))
                .toList();
        assertEquals(List.of(
                "EchoApi GET /echo -> EchoFunction",
                "EchoApi POST /echo -> EchoFunction",
                "EchoApi GET /items/{id} -> EchoFunction (IAM)",
                "EchoApi ANY /files/{proxy+} -> EchoFunction",
                "OtherApi GET /caller -> CallerFunction",
                "ServerlessHttpApi GET /plain -> PlainFunction",
                "OtherApi GET /throttled -> PlainFunction",
                "ServerlessHttpApi GET /broken-init -> BrokenInitFunction"), routes);
    }

    @Test
    void readsEachApisDefaultRouteThrottlingAndDefaultAuthorizer() {
        ResolvedTemplate t = fixture(Map.of());
        assertEquals(Optional.of(new HttpApiDefinition.Throttle(0.01, 2)), t.api("OtherApi").defaultRouteThrottle());
        assertEquals(Optional.empty(), t.api("EchoApi").defaultRouteThrottle());
        assertEquals(Optional.empty(), t.api("ServerlessHttpApi").defaultRouteThrottle(), "the implicit API");

        ResolvedTemplate defaults = SamTemplate.parse("""
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth: { EnableIamAuthorizer: true, DefaultAuthorizer: AWS_IAM }
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y
                      Events:
                        Signed: { Type: HttpApi, Properties: { ApiId: !Ref Api, Method: GET, Path: /a } }
                        Open: { Type: HttpApi, Properties: { ApiId: !Ref Api, Method: GET, Path: /b, Auth: { Authorizer: NONE } } }
                """).resolve(new LocalBindings(Map.of(), BASE, Map.of()));
        assertEquals(List.of("GET /a true", "GET /b false"),
                defaults.routes().stream().map(r -> r.routeKey() + " " + r.iamAuth()).toList());
    }

    @Test
    void overridesChangeValuesAndConditions() {
        ResolvedTemplate t = fixture(Map.of("Stage", "prod", "Greeting", "hi", "EchoTimeout", "1"));
        Map<String, String> env = t.function("EchoFunction").orElseThrow().environment();
        assertEquals("production", env.get("MODE"));
        assertEquals("neither", env.get("BOTH"));
        assertEquals("set", env.get("OPTIONAL"));
        assertEquals("info", env.get("LEVEL"));
        assertEquals(1, t.function("EchoFunction").orElseThrow().timeoutSeconds());
        assertTrue(t.functions().containsKey("ProdOnlyFunction"));
        assertEquals(3, t.tables().size());
    }

    @Test
    void badOverridesAreRejectedWithTheParameterName() {
        assertMessage(() -> fixture(Map.of("Nope", "1")), "unknown parameter 'Nope'");
        assertMessage(() -> fixture(Map.of("Stage", "qa")), "parameter Stage override 'qa' is not one of [dev, prod]");
        assertMessage(() -> fixture(Map.of("EchoTimeout", "0")), "is below the minimum 1");
        assertMessage(() -> fixture(Map.of("EchoTimeout", "soon")), "is not a number");
    }

    @Test
    void parseErrorsSayWhere() {
        TemplateException broken = assertThrows(TemplateException.class,
                () -> SamTemplate.parse("Resources:\n  A:\n    Type: x\n   bad: [\n"));
        assertTrue(broken.getMessage().startsWith("cannot parse template: line "), broken.getMessage());
        assertFalse(broken.getMessage().contains("\n"));

        TemplateException unknownTag = assertThrows(TemplateException.class,
                () -> SamTemplate.parse("Resources:\n  A:\n    Type: !Bogus x\n"));
        assertTrue(unknownTag.getMessage().contains("!Bogus"), unknownTag.getMessage());

        assertMessage(() -> SamTemplate.parse("just text"), "not a YAML mapping");
        assertMessage(() -> SamTemplate.parse("Resources:\n  A:\n    Properties: {}\n"), "resource A has no Type");
    }

    @Test
    void unresolvableReferencesAreTemplateErrors() {
        String yaml = """
                Resources:
                  F:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      Environment:
                        Variables:
                          X: !Ref Missing
                """;
        assertMessage(() -> SamTemplate.parse(yaml).resolve(new LocalBindings(Map.of(), BASE, Map.of())),
                "Ref to unknown parameter or resource 'Missing'");
    }

    @Test
    void realTemplateResolvesForLocalRuns() {
        SamTemplate template = SamTemplate.load(Fixtures.projectRoot().resolve("template.yaml"));
        ResolvedTemplate t = template.resolve(new LocalBindings(Map.of(), BASE, Map.of("DYNAMODB_ENDPOINT", "http://127.0.0.1:1")));
        assertTrue(t.functions().keySet().containsAll(List.of("DownstreamFunction", "UpstreamFunction")), t.functions().keySet().toString());
        FunctionDefinition upstream = t.function("UpstreamFunction").orElseThrow();
        assertEquals(BASE, upstream.environment().get("DOWNSTREAM_URL"));
        assertEquals("http://127.0.0.1:1", upstream.environment().get("DYNAMODB_ENDPOINT"));
        assertTrue(upstream.reservedConcurrency().isEmpty(), "UpstreamReservedConcurrency=0 → AWS::NoValue");
        assertTrue(t.tables().stream().anyMatch(x -> x.tableName().equals("CircuitStateTable")));
        assertTrue(t.routes().stream().anyMatch(r -> r.routeKey().equals("GET /upstream")));
        assertTrue(t.routes().stream().anyMatch(r -> r.routeKey().equals("PUT /faults") && r.iamAuth()));
        assertTrue(t.routes().stream().anyMatch(r -> r.routeKey().equals("GET /downstream") && r.iamAuth()));
        assertTrue(t.routes().stream().anyMatch(r -> r.routeKey().equals("GET /upstream") && !r.iamAuth()));
        assertEquals(Optional.of(new HttpApiDefinition.Throttle(50, 100)), t.api("UpstreamApi").defaultRouteThrottle());
        assertEquals(Optional.of(new HttpApiDefinition.Throttle(7, 3)), template.resolve(new LocalBindings(
                Map.of("ApiThrottlingRateLimit", "7", "ApiThrottlingBurstLimit", "3"), BASE, Map.of()))
                .api("DownstreamApi").defaultRouteThrottle());

        ResolvedTemplate reserved = template.resolve(new LocalBindings(Map.of("UpstreamReservedConcurrency", "4"), BASE, Map.of()));
        assertEquals(OptionalInt.of(4), reserved.function("UpstreamFunction").orElseThrow().reservedConcurrency());
    }

    private static void assertMessage(Runnable r, String expected) {
        LabException e = assertThrows(LabException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
