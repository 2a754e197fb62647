package dev.circuitlab.testing;

import java.net.URI;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Hands tests a real DynamoDB-API endpoint, started once per test run and stopped at its end:
 * <ol>
 *   <li>{@code DYNAMODB_ENDPOINT} if set (an existing LocalStack, dynalite or real DynamoDB);</li>
 *   <li>else LocalStack through Testcontainers when a Docker engine answers;</li>
 *   <li>else dynalite from the pinned npm install in {@code tools/dynalite}.</li>
 * </ol>
 * Set {@code CIRCUITLAB_TEST_DYNAMODB=dynalite} to skip the Docker probe.
 * Use it with {@code @ExtendWith(DynamoDbExtension.class)} and a {@link DynamoDbEndpoint} parameter.
 * Test classes annotated {@link OnMotoServer} get a run-wide moto_server instead, and are skipped
 * (or fail, with {@code CIRCUITLAB_REQUIRE_MOTO=1}) where it is not installed.
 */
public final class DynamoDbExtension implements ParameterResolver, ExecutionCondition {

    static final String LOCALSTACK_IMAGE = "localstack/localstack:4.4";

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == DynamoDbEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return onMoto(extensionContext) ? sharedMoto(extensionContext) : shared(extensionContext);
    }

    /** Skips {@link OnMotoServer} classes where moto_server is missing, unless it is required. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!onMoto(context)) {
            return ConditionEvaluationResult.enabled("not a moto_server test");
        }
        return motoCondition(MotoServer.installed(), MotoServer.required());
    }

    static ConditionEvaluationResult motoCondition(boolean installed, boolean required) {
        if (installed) {
            return ConditionEvaluationResult.enabled("moto_server is installed");
        }
        String why = MotoServer.notInstalledMessage(required);
        // When required, left enabled: starting the server then fails and the run reports it.
        return required ? ConditionEvaluationResult.enabled(why) : ConditionEvaluationResult.disabled(why);
    }

    private static boolean onMoto(ExtensionContext context) {
        return context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, OnMotoServer.class))
                .isPresent();
    }

    /** The run-wide endpoint, started on first use. */
    public static DynamoDbEndpoint shared(ExtensionContext context) {
        return runWide(context, "endpoint", DynamoDbExtension::startEndpoint);
    }

    /** The run-wide moto_server endpoint, started on first use. */
    private static DynamoDbEndpoint sharedMoto(ExtensionContext context) {
        return runWide(context, "moto", () -> {
            MotoServer moto = MotoServer.start();
            return new RunningEndpoint(new DynamoDbEndpoint(moto.endpoint(), "moto"), moto::close);
        });
    }

    private static DynamoDbEndpoint runWide(ExtensionContext context, String key, Supplier<RunningEndpoint> start) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(DynamoDbExtension.class));
        return store.getOrComputeIfAbsent(key, k -> start.get(), RunningEndpoint.class).endpoint();
    }

    private static RunningEndpoint startEndpoint() {
        String fromEnv = System.getenv("DYNAMODB_ENDPOINT");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new RunningEndpoint(new DynamoDbEndpoint(URI.create(fromEnv.trim()), "env"), () -> { });
        }
        if (!"dynalite".equals(System.getenv("CIRCUITLAB_TEST_DYNAMODB")) && dockerAvailable()) {
            LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse(LOCALSTACK_IMAGE))
                    .withServices("dynamodb");
            localstack.start();
            return new RunningEndpoint(new DynamoDbEndpoint(localstack.getEndpoint(), "localstack"), localstack::stop);
        }
        DynaliteServer dynalite = DynaliteServer.start(DynaliteServer.projectRoot());
        return new RunningEndpoint(new DynamoDbEndpoint(dynalite.endpoint(), "dynalite"), dynalite::close);
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Closed by JUnit when the root context closes, i.e. at the end of the run. */
    private record RunningEndpoint(DynamoDbEndpoint endpoint, Runnable stopper)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stopper.run();
        }
    }
}
