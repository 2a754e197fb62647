package dev.circuitlab.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/**
 * A Lambda context for handler tests: a request id and a fixed remaining time (so timeout faults
 * are bounded by what a test chooses); the rest as a 512 MB test function would report.
 */
public record TestLambdaContext(String awsRequestId, int remainingTimeInMillis) implements Context {

    public static final String DEFAULT_REQUEST_ID = "lambda-request-0001";

    /** 10 s remaining. */
    public TestLambdaContext(String awsRequestId) {
        this(awsRequestId, 10_000);
    }

    public static TestLambdaContext withRemainingMillis(int millis) {
        return new TestLambdaContext(DEFAULT_REQUEST_ID, millis);
    }

    @Override public String getAwsRequestId() { return awsRequestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/test-function"; }
    @Override public String getLogStreamName() { return "2026/01/01/[$LATEST]test"; }
    @Override public String getFunctionName() { return "test-function"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:test-function"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return remainingTimeInMillis; }
    @Override public int getMemoryLimitInMB() { return 512; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.print(message); }
            @Override public void log(byte[] message) { System.out.print(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
