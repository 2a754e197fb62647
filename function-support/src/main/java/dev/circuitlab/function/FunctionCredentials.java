package dev.circuitlab.function;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * The credentials a function's AWS calls are made with: its DynamoDB requests and (the upstream's)
 * SigV4-signed calls to the downstream.
 */
public final class FunctionCredentials {

    private FunctionCredentials() {
    }

    /**
     * @param localEndpoint a local DynamoDB-API server (a local run), or null for AWS
     * @param environment   the function's environment
     * @return in AWS, the SDK's default chain (the role's credentials: refreshing, and SnapStart-safe
     *         because nothing is resolved before a call). In a local run, the environment's
     *         {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN} (the
     *         local runtime sets them, as Lambda sets a role's), else the process's variables or
     *         system properties, else {@code local}/{@code local}; never a profile or
     *         instance-metadata lookup, so a local run does not reach beyond loopback.
     */
    public static AwsCredentialsProvider provider(URI localEndpoint, Map<String, String> environment) {
        if (localEndpoint == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        FunctionEnvironment env = new FunctionEnvironment(environment);
        String key = env.optional("AWS_ACCESS_KEY_ID");
        String secret = env.optional("AWS_SECRET_ACCESS_KEY");
        if (key != null && secret != null) {
            String token = env.optional("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token == null
                    ? AwsBasicCredentials.create(key, secret)
                    : AwsSessionCredentials.create(key, secret, token));
        }
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }
}
