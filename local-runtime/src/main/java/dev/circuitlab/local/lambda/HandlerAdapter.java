package dev.circuitlab.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.circuitlab.local.LabException;
import dev.circuitlab.local.template.FunctionDefinition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Calls a template {@code Handler} ({@code package.Class::method}) the way the Lambda Java
 * runtime does: JSON in, converted to the method's parameter type; the result converted back to
 * JSON. Supports {@code RequestHandler}-style methods {@code (Input[, Context])} and
 * {@code RequestStreamHandler}.
 *
 * <p>Instances are built from the function's environment, so two functions in one JVM each see their
 * own variables: with a public static {@code fromEnvironment(Map<String,String>)} returning the
 * handler (the project's convention: the no-arg constructor does the same with {@code System.getenv()}),
 * else a public {@code (Map<String,String>)} constructor.
 */
final class HandlerAdapter {

    private final String functionId;
    private final Class<?> handlerClass;
    private final Method method;
    private final JavaType inputType;
    private final boolean streaming;
    private final ObjectMapper mapper;

    private HandlerAdapter(String functionId, Class<?> handlerClass, Method method, boolean streaming, ObjectMapper mapper) {
        this.functionId = functionId;
        this.handlerClass = handlerClass;
        this.method = method;
        this.streaming = streaming;
        this.mapper = mapper;
        this.inputType = streaming ? null : mapper.getTypeFactory().constructType(method.getGenericParameterTypes()[0]);
    }

    /** Finds the handler class and method; the message says what to do if they are missing. */
    static HandlerAdapter forFunction(FunctionDefinition fn, ClassLoader loader, ObjectMapper mapper) {
        Class<?> type;
        try {
            // Not initialized here: static initialization is part of the function's cold start.
            type = Class.forName(fn.handlerClass(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new LabException(fn.logicalId() + ": handler class " + fn.handlerClass()
                    + " is not on the local runtime's classpath (build it with ./lab build, or check Handler in the template)");
        }
        if (RequestStreamHandler.class.isAssignableFrom(type) && fn.handlerMethod().equals("handleRequest")) {
            try {
                Method m = type.getMethod("handleRequest", InputStream.class, OutputStream.class, Context.class);
                return new HandlerAdapter(fn.logicalId(), type, m, true, mapper);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("RequestStreamHandler without handleRequest", e);
            }
        }
        Method m = requestMethod(type, fn.handlerMethod()).orElseThrow(() -> new LabException(fn.logicalId()
                + ": handler " + fn.handler() + " has no public method " + fn.handlerMethod() + "(input[, Context])"));
        return new HandlerAdapter(fn.logicalId(), type, m, false, mapper);
    }

    /** The public method with that name taking (X) or (X, Context); the bridge method's Object input loses. */
    private static Optional<Method> requestMethod(Class<?> type, String name) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 1
                        || (m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class))
                .min(Comparator.comparing((Method m) -> m.getParameterTypes()[0] == Object.class)
                        .thenComparing(m -> -m.getParameterCount()));
    }

    String handlerClassName() {
        return handlerClass.getName();
    }

    /** Builds a handler instance for one execution environment. */
    Object newInstance(Map<String, String> environment, Consumer<String> warn) throws Exception {
        try {
            Optional<Method> factory = environmentFactory();
            if (factory.isPresent()) {
                return factory.get().invoke(null, environment);
            }
            Constructor<?> withEnvironment = handlerClass.getConstructor(Map.class);
            return withEnvironment.newInstance(environment);
        } catch (NoSuchMethodException e) {
            warn.accept("warning: " + handlerClass.getName() + " has no public static fromEnvironment(Map) and"
                    + " no public (Map<String,String>) constructor; it is built with its no-arg constructor and"
                    + " sees the local runtime's environment, not the function's");
            try {
                return handlerClass.getConstructor().newInstance();
            } catch (InvocationTargetException ite) {
                throw rethrow(ite.getCause());
            }
        } catch (InvocationTargetException e) {
            throw rethrow(e.getCause());
        } catch (ExceptionInInitializerError e) {
            throw rethrow(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** {@code public static <handler class> fromEnvironment(Map)}, if the class has one. */
    private Optional<Method> environmentFactory() {
        try {
            Method m = handlerClass.getMethod("fromEnvironment", Map.class);
            return Modifier.isStatic(m.getModifiers()) && handlerClass.isAssignableFrom(m.getReturnType())
                    ? Optional.of(m) : Optional.empty();
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    /** Invokes the handler; exceptions the handler throws come out unwrapped. */
    JsonNode invoke(Object instance, JsonNode event, Context context) throws Exception {
        try {
            if (streaming) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                method.invoke(instance, new ByteArrayInputStream(mapper.writeValueAsBytes(event)), out, context);
                return readOutput(out.toByteArray());
            }
            Object input = mapper.convertValue(event, inputType);
            Object output = method.getParameterCount() == 2
                    ? method.invoke(instance, input, context)
                    : method.invoke(instance, input);
            return output == null ? NullNode.getInstance() : mapper.valueToTree(output);
        } catch (InvocationTargetException e) {
            throw rethrow(e.getCause());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(functionId + ": the event cannot be converted to "
                    + (inputType == null ? "the handler's input" : inputType.toCanonical()) + ": " + e.getMessage(), e);
        }
    }

    /** The handler's own exception, unwrapped from reflection; Errors stay Errors. */
    private static Exception rethrow(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return t instanceof Exception e ? e : new IllegalStateException(t);
    }

    private JsonNode readOutput(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return mapper.readTree(bytes);
        } catch (IOException e) {
            // A stream handler may write plain text; Lambda passes it through as-is.
            return mapper.getNodeFactory().textNode(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
