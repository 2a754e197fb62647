package dev.circuitlab.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** The {@link Context} of one local invocation; remaining time counts down from the function Timeout. */
final class LocalLambdaContext implements Context {

    private final String requestId;
    private final String functionName;
    private final String functionArn;
    private final String logStreamName;
    private final int memoryMb;
    private final long deadlineNanos;
    private final LambdaLogger logger;

    LocalLambdaContext(String requestId, String functionName, String functionArn, String logStreamName,
                       int memoryMb, long deadlineNanos, FunctionLog log) {
        this.requestId = requestId;
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.logStreamName = logStreamName;
        this.memoryMb = memoryMb;
        this.deadlineNanos = deadlineNanos;
        this.logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                log.append("logger", requestId, stripNewline(message));
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }

    private static String stripNewline(String s) {
        return s != null && s.endsWith("\n") ? s.substring(0, s.length() - 1) : String.valueOf(s);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return logStreamName;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
