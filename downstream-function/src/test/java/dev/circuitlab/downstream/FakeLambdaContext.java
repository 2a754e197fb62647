package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** A Lambda context with a fixed remaining time, so timeout faults are bounded by what a test chooses. */
final class FakeLambdaContext implements Context {

    static final String AWS_REQUEST_ID = "lambda-request-0001";

    private final int remainingMillis;

    FakeLambdaContext(int remainingMillis) {
        this.remainingMillis = remainingMillis;
    }

    @Override
    public String getAwsRequestId() {
        return AWS_REQUEST_ID;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/DownstreamFunction";
    }

    @Override
    public String getLogStreamName() {
        return "2026/01/01/[$LATEST]test";
    }

    @Override
    public String getFunctionName() {
        return "DownstreamFunction";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:DownstreamFunction";
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
        return remainingMillis;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
