package dev.circuitlab.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.circuitlab.breaker.dynamodb.DynamoDbCircuitStateStore;
import dev.circuitlab.downstream.FaultStore;
import dev.circuitlab.local.template.FunctionDefinition;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.ResolvedTemplate;
import dev.circuitlab.local.template.SamTemplate;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** template.yaml and the code must agree: handlers, environment variables and table definitions. */
class StackConsistencyTest {

    private static final StackTemplate TEMPLATE = StackTemplate.load();

    /** Set by Lambda itself (or by the SDK's own chain), so the template need not set them. */
    private static final Set<String> PROVIDED_BY_LAMBDA = Set.of("AWS_REGION", "AWS_DEFAULT_REGION",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_LEVEL");

    /** Read by the JVM, not by our code. */
    private static final Set<String> READ_BY_THE_JVM = Set.of("JAVA_TOOL_OPTIONS");

    @Test
    void theTemplateDeclaresBothFunctions() {
        assertEquals(List.of("DownstreamFunction", "UpstreamFunction"),
                TEMPLATE.resourcesOfType("AWS::Serverless::Function"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DownstreamFunction", "UpstreamFunction"})
    void everyHandlerResolvesToAClassBuiltByItsOwnCodeUri(String functionId) throws Exception {
        Map<String, Object> props = TEMPLATE.properties(functionId);
        String handler = (String) props.get("Handler");
        String codeUri = (String) props.get("CodeUri");
        String className = handler.substring(0, handler.indexOf("::"));
        String methodName = handler.substring(handler.indexOf("::") + 2);

        Path classFile = StackTemplate.projectRoot().resolve(codeUri).resolve("target/classes")
                .resolve(className.replace('.', '/') + ".class");
        assertTrue(Files.isRegularFile(classFile), handler + " is not compiled by " + codeUri + " (" + classFile + ")");

        Class<?> type = Class.forName(className);
        assertTrue(RequestHandler.class.isAssignableFrom(type), className + " is not a RequestHandler");
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(methodName) && m.getParameterCount() == 2) {
                methods.add(m);
            }
        }
        assertFalse(methods.isEmpty(), className + " has no public " + methodName + "(event, context)");
        assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()), "Lambda needs a public no-arg constructor");
        assertEquals(2, type.getDeclaredConstructors().length,
                className + ": a no-arg constructor for Lambda and one taking the collaborators, nothing else");
        Method fromEnvironment = type.getMethod("fromEnvironment", Map.class);
        assertTrue(Modifier.isStatic(fromEnvironment.getModifiers()) && fromEnvironment.getReturnType() == type,
                "the local runtime needs a public static " + className + " fromEnvironment(Map environment)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DownstreamFunction", "UpstreamFunction"})
    void theEnvironmentTheCodeReadsIsWhatTheTemplateSets(String functionId) throws Exception {
        ResolvedTemplate resolved = SamTemplate.load(StackTemplate.projectRoot().resolve("template.yaml"))
                .resolve(new LocalBindings(Map.of(), "http://127.0.0.1:9", Map.of("DYNAMODB_ENDPOINT", "http://127.0.0.1:9")));
        FunctionDefinition function = resolved.function(functionId).orElseThrow();
        Map<String, String> values = new HashMap<>(function.environment());
        values.put("AWS_REGION", "us-east-1");
        RecordingEnvironment env = new RecordingEnvironment(values);

        // Configuration is read once, at construction (Lambda init).
        Class.forName(function.handlerClass()).getMethod("fromEnvironment", Map.class).invoke(null, env);

        assertFalse(env.wasIterated(), "the handler iterated its whole environment; read variables by name");
        Set<String> read = env.namesRead();
        read.removeAll(PROVIDED_BY_LAMBDA);
        Set<String> set = new TreeSet<>(TEMPLATE.environmentNames(functionId));
        set.removeAll(READ_BY_THE_JVM);
        assertEquals(set, read, functionId + ": variables the template sets (expected) vs those the code reads (actual)");
    }

    @Test
    void theCircuitTableIsDefinedAsTheStoreCreatesIt() {
        assertTableMatches("CircuitStateTable", DynamoDbCircuitStateStore.createTableRequest("x"));
    }

    @Test
    void theFaultTableIsDefinedAsTheFaultStoreCreatesItWithItsTtlAttribute() {
        assertTableMatches("FaultConfigTable", FaultStore.createTableRequest("x"));
        Map<String, Object> ttl = StackTemplate.map(TEMPLATE.properties("FaultConfigTable").get("TimeToLiveSpecification"));
        assertEquals(FaultStore.TTL_ATTRIBUTE, ttl.get("AttributeName"));
        assertEquals(Boolean.TRUE, ttl.get("Enabled"));
    }

    private static void assertTableMatches(String logicalId, CreateTableRequest code) {
        Map<String, Object> props = TEMPLATE.properties(logicalId);
        assertEquals(code.keySchema().stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString())
                        .collect(Collectors.toList()),
                StackTemplate.list(props.get("KeySchema")).stream().map(StackTemplate::map)
                        .map(k -> k.get("AttributeName") + ":" + k.get("KeyType")).collect(Collectors.toList()),
                logicalId + " key schema");
        assertEquals(code.attributeDefinitions().stream().map(a -> a.attributeName() + ":" + a.attributeTypeAsString())
                        .collect(Collectors.toSet()),
                StackTemplate.list(props.get("AttributeDefinitions")).stream().map(StackTemplate::map)
                        .map(a -> a.get("AttributeName") + ":" + a.get("AttributeType")).collect(Collectors.toSet()),
                logicalId + " attribute definitions");
        assertEquals(code.billingModeAsString(), props.get("BillingMode"), logicalId + " billing mode");
    }
}
